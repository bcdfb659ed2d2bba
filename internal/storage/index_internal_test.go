package storage

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestRadixSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 100, 511, 512, 5000, 70000} {
		a := make([]uint64, n)
		for i := range a {
			switch i % 3 {
			case 0:
				a[i] = rng.Uint64()
			case 1:
				a[i] = rng.Uint64() & 0xff00ff // bytes all keys share are skipped
			default:
				a[i] = uint64(rng.IntN(4)) << 52
			}
		}
		want := slices.Clone(a)
		slices.Sort(want)
		radixSort(a)
		if !slices.Equal(a, want) {
			t.Fatalf("%d keys sorted wrongly", n)
		}
	}
}

func TestPostingsRoundTrip(t *testing.T) {
	const block = 3
	ps := []posting{{block << blockBits, 1}, {block<<blockBits + 1, 7}, {block<<blockBits + 4095, 4}}
	var got []posting
	if err := decodePostings(block, encodePostings(block, ps), func(id int64, f uint8) {
		got = append(got, posting{id, f})
	}); err != nil || !slices.Equal(got, ps) {
		t.Errorf("decoded %v (%v), want %v", got, err, ps)
	}
	if err := decodePostings(block, []byte{0x80}, func(int64, uint8) {}); err == nil {
		t.Error("a cut varint is not an error")
	}
	merged := mergePostings(ps, []posting{{block<<blockBits + 1, 0}, {block<<blockBits + 2, 2},
		{block << blockBits, 3}})
	want := []posting{{block << blockBits, 3}, {block<<blockBits + 2, 2}, {block<<blockBits + 4095, 4}}
	if !slices.Equal(merged, want) {
		t.Errorf("merged %v, want %v", merged, want)
	}
}
