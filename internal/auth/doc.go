// Package auth holds the hub's authentication building blocks: password
// hashing and policy, random tokens, CSRF tokens and a rate limiter. It
// does no I/O beyond reading the operating system's random source and
// calling the [Counter] it is given, and it knows nothing about the
// database or HTTP handlers.
//
// # Passwords
//
// Passwords are hashed with argon2id and stored as PHC strings of the form
//
//	$argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>
//
// where salt and hash are standard base64 without padding. [CheckPassword]
// refuses stored parameters outside fixed bounds, so a tampered database row
// cannot make a login spend unbounded memory or time. It also reports when a
// hash was made with other parameters than the current ones, so the caller
// can store a fresh hash after a successful login. [DummyCheck] spends the
// same work for an unknown account, so response times do not reveal which
// e-mail addresses have accounts. [PasswordProblem] applies the password
// policy and returns a message key.
//
// # Tokens
//
// [NewToken] makes 256-bit random tokens for session ids, invitations and
// account setup links. Only [HashToken] of a token is stored; the token
// itself travels to the user and nowhere else.
//
// # CSRF
//
// Forms posted inside a session carry [CSRFToken], an HMAC-SHA256 of the
// session id keyed by a server secret, checked with [CheckCSRF]. The secret
// must hold at least [MinSecretLen] bytes; with a shorter one no token is
// made and every check fails.
//
// Anonymous forms (the login form) have no session to bind to. They use a
// signed double-submit pair: [NewLoginCSRF] returns a random cookie value
// and a form token that is an HMAC of that cookie value. The handler sets
// the cookie and puts the form token in a hidden field; on POST,
// [CheckLoginCSRF] verifies that the form token belongs to the cookie that
// came with the request. A cross-site attacker can read neither the cookie
// nor the page, and cannot forge a form token for a cookie value without the
// secret. The cookie should be named with the "__Host-" prefix and set
// Secure, HttpOnly, SameSite=Lax and Path=/, so that a sibling subdomain or
// a plain-HTTP response cannot plant a pair the attacker obtained earlier.
//
// # Second factor
//
// [NewTOTPSecret], [CheckTOTP] and [TOTPURL] are the time-based one-time
// codes of RFC 6238 as authenticator apps make them (SHA-1, six digits,
// 30 seconds). [CheckTOTP] returns the step a code belongs to, so the
// caller can accept each step once. [NewRecoveryCodes] makes the one-time
// codes for a lost phone; only [HashRecoveryCode] of one is stored.
//
// # Rate limiting
//
// [Limiter] is a fixed-window limiter keyed by string (an e-mail address,
// a client address). It keeps its counts in a [Counter], which the storage
// package implements in the database so that every instance of a hub
// shares them, and hands it keys only as SHA-256 digests, so the database
// holds no address and no e-mail address, and long keys cost no more than
// short ones.
package auth
