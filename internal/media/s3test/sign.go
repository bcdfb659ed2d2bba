package s3test

import (
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Sign signs r, whose body is body, as a client would: x-amz-date and
// x-amz-content-sha256 are set, and every x-amz-* header and the host are
// signed. Tests use it to build requests by hand and then spoil them.
func Sign(r *http.Request, body []byte, accessKey, secretKey, region string, t time.Time) {
	when := t.UTC().Format(amzDateFormat)
	r.Header.Set("X-Amz-Date", when)
	if r.Header.Get("X-Amz-Content-Sha256") == "" {
		r.Header.Set("X-Amz-Content-Sha256", hashHex(body))
	}
	signed := []string{"host"}
	for name := range r.Header {
		if lower := strings.ToLower(name); strings.HasPrefix(lower, "x-amz-") {
			signed = append(signed, lower)
		}
	}
	slices.Sort(signed)

	a := authorization{accessKey: accessKey, date: when[:8], region: region, service: "s3", signedHeaders: signed}
	canonical, err := canonicalRequest(r, signed, r.Header.Get("X-Amz-Content-Sha256"))
	if err != nil {
		panic("s3test: sign: " + err.Error()) // every signed header was just set
	}
	key := signingKey(secretKey, a.date, region, "s3")
	sig := hmacSHA256(key, stringToSign(when, a.scope(), hashHex([]byte(canonical))))
	r.Header.Set("Authorization", algorithm+" Credential="+accessKey+"/"+a.scope()+
		", SignedHeaders="+strings.Join(signed, ";")+", Signature="+hex.EncodeToString(sig))
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
