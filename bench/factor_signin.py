#!/usr/bin/env python3
"""What a second factor adds to a sign-in, measured through nginx one sign-in at a time.

Usage: factor_signin.py BASE_URL PASSWORD USER [USER ...]

Every USER has PASSWORD and no factor yet. Each is first timed signing in with the password
alone (POST /auth → 303 /), then given an authenticator app through /account/totp, then
timed signing in with password and code (POST /auth → 303 /auth/second, POST /auth/second
→ 303 /). Prints one tab-separated line per kind: kind, samples, median ms, p90 ms.
The users keep their app afterwards (the bench's throwaway database).
"""
import base64
import hashlib
import hmac
import html
import re
import statistics
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One cookie jar's worth of a browser: the session cookie and the CSRF token of the last page."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(NoRedirect)
        self.cookie = None

    def request(self, method, path, fields=None):
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if self.cookie:
            req.add_header("Cookie", "session=" + self.cookie)
        try:
            with self.opener.open(req) as answer:
                status, headers, body = answer.status, answer.headers, answer.read().decode()
        except urllib.error.HTTPError as answer:
            status, headers, body = answer.code, answer.headers, answer.read().decode()
        for value in headers.get_all("Set-Cookie") or []:
            match = re.match(r"session=([^;]*)", value)
            if match:
                self.cookie = match.group(1)
        return status, headers.get("Location", ""), body

    def csrf(self, path):
        status, _, body = self.request("GET", path)
        match = re.search(r'name="csrf_token" value="([^"]+)"', body)
        if status != 200 or not match:
            sys.exit(f"factor_signin: GET {path} answered {status} without a form")
        return match.group(1), body


def totp(secret, at):
    """RFC 6238 with SHA-1, 6 digits, 30-second steps."""
    counter = struct.pack(">Q", int(at) // 30)
    digest = hmac.new(secret, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1000000:06d}"


def expect(what, got, status, location):
    if got[0] != status or not got[1].endswith(location):
        sys.exit(f"factor_signin: {what} answered {got[0]} → {got[1]!r}, expected {status} → {location}")


def sign_in(base, user, password, secret=None):
    """Milliseconds from the first POST to the answer that lands on /."""
    browser = Browser(base)
    token, _ = browser.csrf("/auth")
    started = time.perf_counter()
    got = browser.request("POST", "/auth", {"csrf_token": token, "next": "/", "username": user, "password": password})
    if secret is not None:
        expect("POST /auth", got, 303, "/auth/second")
        # The page's token is the one the form carries; fetching it is part of the sign-in.
        token, _ = browser.csrf("/auth/second")
        got = browser.request("POST", "/auth/second", {"csrf_token": token, "code": totp(secret, time.time() + 30)})
    elapsed = (time.perf_counter() - started) * 1000
    expect("the sign-in", got, 303, "/")
    return elapsed, browser


def enrol(browser):
    token, body = browser.csrf("/account/totp")
    match = re.search(r'class="totp-secret">([^<]+)<', body)
    if not match:
        sys.exit("factor_signin: /account/totp showed no key")
    text = html.unescape(match.group(1)).replace(" ", "")
    secret = base64.b32decode(text + "=" * (-len(text) % 8))
    got = browser.request("POST", "/account/totp", {"csrf_token": token, "code": totp(secret, time.time())})
    if got[0] not in (200, 303):
        sys.exit(f"factor_signin: enrolment answered {got[0]}")
    return secret


def summary(kind, samples):
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    print(f"{kind}\t{len(ordered)}\t{statistics.median(ordered):.1f}\t{p90:.1f}")


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__.strip().splitlines()[2])
    base, password, users = sys.argv[1], sys.argv[2], sys.argv[3:]
    password_only, with_code = [], []
    for user in users:
        elapsed, browser = sign_in(base, user, password)
        password_only.append(elapsed)
        secret = enrol(browser)
        elapsed, _ = sign_in(base, user, password, secret)
        with_code.append(elapsed)
    summary("password", password_only)
    summary("password+totp", with_code)


if __name__ == "__main__":
    main()
