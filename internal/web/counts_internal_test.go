package web

import (
	"fmt"
	"testing"
)

// TestGatheredMissesAreBounded: between two flushes a flood of different
// searches that found nothing holds at most maxMissedPerFlush of them in
// memory; a search already gathered is still counted, and the ones left
// out are counted for the log.
func TestGatheredMissesAreBounded(t *testing.T) {
	var c counts
	for i := range maxMissedPerFlush + 500 {
		c.addMissed(fmt.Sprintf("søgning %d", i))
	}
	c.addMissed("søgning 7")
	_, missed, dropped := c.take()
	if len(missed) != maxMissedPerFlush || missed["søgning 7"] != 2 || dropped != 500 {
		t.Errorf("gathered %d searches (\"søgning 7\" %d times), dropped %d; want %d, 2 and 500",
			len(missed), missed["søgning 7"], dropped, maxMissedPerFlush)
	}
	c.addMissed("ny")
	if _, missed, dropped := c.take(); len(missed) != 1 || dropped != 0 {
		t.Errorf("after a flush: %d gathered and %d dropped, want 1 and 0", len(missed), dropped)
	}
}
