package s3test

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The values of x-amz-content-sha256 that are not a hash of the body.
const (
	unsignedPayload  = "UNSIGNED-PAYLOAD"
	streamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	algorithm        = "AWS4-HMAC-SHA256"
	amzDateFormat    = "20060102T150405Z"
	emptySHA256      = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// MaxSkew is how far a request's date may be from the server's clock, as
// S3 allows.
const MaxSkew = 15 * time.Minute

// authError is a refusal with S3's error code and HTTP status.
type authError struct {
	status int
	code   string
	msg    string
	region string // the bucket's region, for an error about the region
}

func (e *authError) Error() string { return e.code + ": " + e.msg }

func denied(code, format string, args ...any) *authError {
	return &authError{status: http.StatusForbidden, code: code, msg: fmt.Sprintf(format, args...)}
}

func badRequest(code, msg string) *authError {
	return &authError{status: http.StatusBadRequest, code: code, msg: msg}
}

// authorization is a parsed Authorization header.
type authorization struct {
	accessKey     string
	date, region  string
	service       string
	signedHeaders []string
	signature     string
}

// scope returns the credential scope the signature is made for.
func (a authorization) scope() string {
	return a.date + "/" + a.region + "/" + a.service + "/aws4_request"
}

// parseAuthorization reads "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…,
// Signature=…".
func parseAuthorization(h string) (authorization, error) {
	var a authorization
	alg, rest, ok := strings.Cut(h, " ")
	if !ok || alg != algorithm {
		return a, denied("AccessDenied", "the request is not signed with %s", algorithm)
	}
	fields := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, denied("AuthorizationHeaderMalformed", "bad part %q", part)
		}
		fields[k] = v
	}
	cred := strings.Split(fields["Credential"], "/")
	if len(cred) != 5 || cred[4] != "aws4_request" || fields["SignedHeaders"] == "" || fields["Signature"] == "" {
		return a, denied("AuthorizationHeaderMalformed", "credential, signed headers or signature missing")
	}
	a = authorization{accessKey: cred[0], date: cred[1], region: cred[2], service: cred[3],
		signedHeaders: strings.Split(fields["SignedHeaders"], ";"), signature: fields["Signature"]}
	return a, nil
}

// verifier checks the requests of one access key.
type verifier struct {
	accessKey, secretKey, region string
	now                          func() time.Time
}

// verify checks r's signature and returns its body, read whole and
// checked against x-amz-content-sha256 (or, for a streaming upload,
// each chunk's signature), so nothing unchecked is ever stored.
func (v verifier) verify(r *http.Request) ([]byte, error) {
	if r.URL.Query().Has("X-Amz-Signature") {
		return nil, denied("AccessDenied", "presigned URLs are not accepted by this server")
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return nil, denied("AccessDenied", "anonymous access is not allowed")
	}
	a, err := parseAuthorization(auth)
	if err != nil {
		return nil, err
	}
	when, err := v.checkCredential(r, a)
	if err != nil {
		return nil, err
	}

	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		return nil, badRequest("InvalidRequest", "x-amz-content-sha256 is required")
	}
	canonical, err := canonicalRequest(r, a.signedHeaders, payload)
	if err != nil {
		return nil, err
	}
	key := signingKey(v.secretKey, a.date, a.region, a.service)
	sts := stringToSign(when, a.scope(), hashHex([]byte(canonical)))
	if !hmac.Equal([]byte(hex.EncodeToString(hmacSHA256(key, sts))), []byte(a.signature)) {
		return nil, denied("SignatureDoesNotMatch",
			"the request signature we calculated does not match the signature you provided")
	}
	return v.body(r, payload, a, key, when)
}

// checkCredential checks the key, the scope and the date, and returns the
// request's time as signed.
func (v verifier) checkCredential(r *http.Request, a authorization) (string, error) {
	if a.accessKey != v.accessKey {
		return "", denied("InvalidAccessKeyId", "the access key does not exist")
	}
	when := r.Header.Get("X-Amz-Date")
	t, err := time.Parse(amzDateFormat, when)
	if err != nil {
		return "", denied("AccessDenied", "x-amz-date missing or malformed")
	}
	if d := v.now().Sub(t); d > MaxSkew || d < -MaxSkew {
		return "", denied("RequestTimeTooSkewed",
			"the difference between the request time and the server's time is too large")
	}
	if a.region != v.region {
		// As S3 does, the answer names the bucket's region, which a client
		// that does not know it learns from here.
		return "", &authError{status: http.StatusBadRequest, code: "AuthorizationHeaderMalformed",
			msg: fmt.Sprintf("the region '%s' is wrong; expecting '%s'", a.region, v.region), region: v.region}
	}
	if a.date != when[:8] || a.service != "s3" {
		return "", denied("AuthorizationHeaderMalformed", "credential scope %s does not fit the request", a.scope())
	}
	for _, must := range []string{"host", "x-amz-date", "x-amz-content-sha256"} {
		if !slices.Contains(a.signedHeaders, must) {
			return "", denied("AccessDenied", "header %s is not signed", must)
		}
	}
	for name := range r.Header {
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "x-amz-") && !slices.Contains(a.signedHeaders, lower) {
			return "", denied("AccessDenied", "header %s is not signed", lower)
		}
	}
	return when, nil
}

// body reads the request's body and checks it as x-amz-content-sha256
// says.
func (v verifier) body(r *http.Request, payload string, a authorization, key []byte, when string) ([]byte, error) {
	if payload == streamingPayload {
		return readChunks(r, key, when, a.scope(), a.signature)
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, badRequest("IncompleteBody", err.Error())
	}
	if payload == unsignedPayload {
		return data, nil
	}
	if len(payload) != 64 || strings.ToLower(payload) != payload {
		return nil, badRequest("InvalidArgument", "x-amz-content-sha256 is not a hash")
	}
	if hashHex(data) != payload {
		return nil, badRequest("XAmzContentSHA256Mismatch",
			"the provided x-amz-content-sha256 header does not match what was computed")
	}
	return data, nil
}

// readChunks reads an aws-chunked body: each chunk is
// "hex-size;chunk-signature=sig\r\n" + data + "\r\n", its signature made
// over the previous one and the chunk's hash, ending with an empty chunk.
func readChunks(r *http.Request, key []byte, when, scope, seed string) ([]byte, error) {
	decoded, err := strconv.ParseInt(r.Header.Get("X-Amz-Decoded-Content-Length"), 10, 64)
	if err != nil || decoded < 0 {
		return nil, badRequest("MissingContentLength",
			"x-amz-decoded-content-length is needed for a streaming upload")
	}
	br := bufio.NewReader(r.Body)
	var out bytes.Buffer
	prev := seed
	for {
		size, sig, err := chunkHeader(br)
		if err != nil {
			return nil, err
		}
		if int64(out.Len())+size > decoded {
			return nil, badRequest("IncompleteBody", "chunks longer than declared")
		}
		chunk := make([]byte, size)
		if _, err := io.ReadFull(br, chunk); err != nil {
			return nil, badRequest("IncompleteBody", "chunk cut short")
		}
		if crlf, err := br.Peek(2); err != nil || string(crlf) != "\r\n" {
			return nil, badRequest("IncompleteBody", "chunk not followed by CRLF")
		}
		_, _ = br.Discard(2) // peeked just above

		sts := strings.Join([]string{algorithm + "-PAYLOAD", when, scope, prev, emptySHA256, hashHex(chunk)}, "\n")
		want := hex.EncodeToString(hmacSHA256(key, sts))
		if !hmac.Equal([]byte(want), []byte(sig)) {
			return nil, denied("SignatureDoesNotMatch", "a chunk's signature does not match")
		}
		prev = sig
		out.Write(chunk)
		if size == 0 {
			break
		}
	}
	if int64(out.Len()) != decoded {
		return nil, badRequest("IncompleteBody", "chunks shorter than declared")
	}
	return out.Bytes(), nil
}

// chunkHeader reads "hex-size;chunk-signature=sig\r\n".
func chunkHeader(br *bufio.Reader) (int64, string, error) {
	line, err := br.ReadString('\n')
	bad := badRequest("IncompleteBody", "malformed chunk header")
	if err != nil || !strings.HasSuffix(line, "\r\n") || len(line) > 4096 {
		return 0, "", bad
	}
	sizeHex, ext, ok := strings.Cut(strings.TrimSuffix(line, "\r\n"), ";")
	sig, hasSig := strings.CutPrefix(ext, "chunk-signature=")
	size, perr := strconv.ParseInt(sizeHex, 16, 64)
	if !ok || !hasSig || perr != nil || size < 0 || len(sig) != 64 {
		return 0, "", bad
	}
	return size, sig, nil
}

// canonicalRequest builds the canonical request of AWS Signature Version
// 4: method, URI, query, headers, signed header names and payload hash,
// one per line.
func canonicalRequest(r *http.Request, signed []string, payload string) (string, error) {
	if !slices.IsSorted(signed) {
		return "", denied("AccessDenied", "signed headers are not sorted")
	}
	var headers strings.Builder
	for _, name := range signed {
		values, ok := headerValues(r, name)
		if !ok {
			return "", denied("AccessDenied", "signed header %s is not in the request", name)
		}
		for i, v := range values {
			values[i] = strings.Join(strings.Fields(v), " ")
		}
		headers.WriteString(name + ":" + strings.Join(values, ",") + "\n")
	}
	return strings.Join([]string{
		r.Method,
		canonicalURI(r.URL.Path),
		canonicalQuery(r.URL.Query()),
		headers.String(),
		strings.Join(signed, ";"),
		payload,
	}, "\n"), nil
}

// headerValues returns the values of a header as the client sent them;
// net/http keeps Host, Content-Length and Transfer-Encoding apart.
func headerValues(r *http.Request, name string) ([]string, bool) {
	switch name {
	case "host":
		return []string{r.Host}, r.Host != ""
	case "content-length":
		if r.ContentLength < 0 {
			return nil, false
		}
		return []string{strconv.FormatInt(r.ContentLength, 10)}, true
	case "transfer-encoding":
		return slices.Clone(r.TransferEncoding), len(r.TransferEncoding) > 0
	}
	v := r.Header.Values(name)
	return slices.Clone(v), len(v) > 0
}

// canonicalURI encodes each segment of the path as S3 does: only the
// unreserved characters stay as they are, and the slashes between.
func canonicalURI(path string) string {
	if path == "" {
		return "/"
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = uriEncode(s)
	}
	return strings.Join(segs, "/")
}

// canonicalQuery sorts the parameters by name, then value, each encoded.
func canonicalQuery(q url.Values) string {
	pairs := make([]string, 0, len(q))
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, uriEncode(k)+"="+uriEncode(v))
		}
	}
	slices.Sort(pairs)
	return strings.Join(pairs, "&")
}

// uriEncode percent-encodes every byte but A-Z, a-z, 0-9, '-', '.', '_'
// and '~', in upper-case hex.
func uriEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// stringToSign is the algorithm, the time, the scope and the hash of the
// canonical request.
func stringToSign(when, scope, canonicalHash string) string {
	return algorithm + "\n" + when + "\n" + scope + "\n" + canonicalHash
}

// signingKey derives the key for one day, region and service from the
// secret.
func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// asAuthError returns err as an *authError, or a 400 for anything else.
func asAuthError(err error) *authError {
	var ae *authError
	if errors.As(err, &ae) {
		return ae
	}
	return badRequest("InvalidRequest", err.Error())
}
