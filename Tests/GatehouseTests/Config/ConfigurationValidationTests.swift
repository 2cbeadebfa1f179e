import Testing
@testable import Gatehouse

@Suite("Configuration validation")
struct ConfigurationValidationTests {
    private let secret = ConfigFixtures.secret

    @Test func missingSecretKey() {
        let error = ConfigFixtures.error(["SECRET_KEY": ""])
        #expect(error?.key == "SECRET_KEY")
        #expect(error?.message.hasPrefix("required") == true)
        #expect(throws: ConfigurationError.self) { try ConfigFixtures.load([:]) }
    }

    @Test func shortSecretKey() {
        let error = ConfigFixtures.error(["SECRET_KEY": String(repeating: "k", count: 31)])
        #expect(error == ConfigurationError(key: "SECRET_KEY", message: "must be at least 32 bytes, got 31"))
        #expect(error?.description == "invalid configuration: SECRET_KEY: must be at least 32 bytes, got 31")
    }

    @Test func secretKeyCountsUTF8Bytes() throws {
        // 11 × "é€" is 22 characters but 55 bytes.
        let key = String(repeating: "é€", count: 11)
        #expect(try ConfigFixtures.load(["SECRET_KEY": key]).secretKey == Array(key.utf8))
    }

    @Test(arguments: ["tcp", "127.0.0.1", "unix:", "[::1", "1.2.3.4:0", "::1:80"])
    func badListen(value: String) {
        #expect(ConfigFixtures.error(["LISTEN": value])?.key == "LISTEN")
    }

    @Test(arguments: ["maybe", "secure", "2"])
    func badCookieSecure(value: String) {
        #expect(
            ConfigFixtures.error(["COOKIE_SECURE": value])
                == ConfigurationError(key: "COOKIE_SECURE", message: "expected auto, true or false, got \"\(value)\""))
    }

    @Test(arguments: [
        ("auto", CookieSecureMode.auto), ("TRUE", .always), ("on", .always), ("false", .never), ("0", .never),
    ])
    func cookieSecureSpellings(value: String, mode: CookieSecureMode) throws {
        #expect(try ConfigFixtures.load(["SECRET_KEY": secret, "COOKIE_SECURE": value]).cookieSecure == mode)
    }

    @Test func nonNumericIntegerMessage() {
        #expect(
            ConfigFixtures.error(["SESSION_MAX_AGE": "abc"])?.description
                == #"invalid configuration: SESSION_MAX_AGE: expected a whole number of seconds ≥ 1, got "abc""#)
    }

    @Test(arguments: [
        "WORKER_PROCESSES", "WORKERS", "SESSION_MAX_AGE", "SESSION_ABSOLUTE_MAX_AGE", "SESSION_CACHE_SIZE", "PBKDF2_ITERATIONS",
        "LOGIN_FAILURE_LIMIT", "LOGIN_FAILURE_WINDOW", "LOGIN_IP_LIMIT", "LOGIN_USER_LIMIT", "DB_PORT",
    ])
    func integerKeysRejectBadValues(key: String) {
        for value in ["abc", "0", "-5", "+5", " 5", "1.5", "0x10", "99999999999999999999999"] {
            #expect(ConfigFixtures.error([key: value])?.key == key, "\(key)=\(value)")
        }
    }

    @Test func integerBounds() {
        #expect(ConfigFixtures.error(["WORKER_PROCESSES": "65"])?.message
            == #"expected a whole number of processes from 1 to 64, got "65""#)
        #expect(ConfigFixtures.error(["WORKERS": "1025"])?.key == "WORKERS")
        #expect(ConfigFixtures.error(["PBKDF2_ITERATIONS": "999"])?.message
            == #"expected a whole number of iterations ≥ 1000, got "999""#)
        #expect(ConfigFixtures.error(["PBKDF2_ITERATIONS": "10000001"])?.key == "PBKDF2_ITERATIONS")
        #expect(ConfigFixtures.error(["DB_PORT": "70000"])?.key == "DB_PORT")
        #expect(ConfigFixtures.error(["WORKERS": "1024", "WORKER_PROCESSES": "64", "DB_PORT": "5432,5433"]) == nil)
    }

    @Test func sessionCacheKeys() throws {
        let defaults = try ConfigFixtures.load(["SECRET_KEY": secret])
        #expect(defaults.sessionCacheSize == 10000)
        #expect(defaults.sessionCacheTTL == 30)
        let off = try ConfigFixtures.load(["SECRET_KEY": secret, "SESSION_CACHE_TTL": "0", "SESSION_CACHE_SIZE": "5"])
        #expect(off.sessionCacheTTL == 0)
        #expect(off.sessionCacheSize == 5)
        for value in ["abc", "-1", "+5", "1.5", "3601", "99999999999999999999999"] {
            #expect(ConfigFixtures.error(["SESSION_CACHE_TTL": value])?.key == "SESSION_CACHE_TTL", "\(value)")
        }
        #expect(ConfigFixtures.error(["SESSION_CACHE_SIZE": "1000001"])?.message
            == #"expected a whole number of entries from 1 to 1000000, got "1000001""#)
    }

    @Test func databaseTimeout() throws {
        #expect(try ConfigFixtures.load(["SECRET_KEY": secret]).databaseTimeout == 2)
        #expect(try ConfigFixtures.load(["SECRET_KEY": secret, "DATABASE_TIMEOUT": "0.5"]).databaseTimeout == 0.5)
        #expect(try ConfigFixtures.load(["SECRET_KEY": secret, "DATABASE_TIMEOUT": "30"]).databaseTimeout == 30)
        for value in ["0", "-1", "abc", "1e3", " 2", "inf", "nan", "3601", "0.05", ".", "1.2.3"] {
            #expect(ConfigFixtures.error(["DATABASE_TIMEOUT": value])?.key == "DATABASE_TIMEOUT", "\(value)")
        }
        #expect(ConfigFixtures.error(["DATABASE_TIMEOUT": "0"])?.message == #"expected seconds from 0.1 to 3600, got "0""#)
    }

    @Test func absoluteMaxAgeBelowIdleMaxAge() {
        let error = ConfigFixtures.error(["SESSION_MAX_AGE": "7200", "SESSION_ABSOLUTE_MAX_AGE": "3600"])
        #expect(error?.key == "SESSION_ABSOLUTE_MAX_AGE")
        #expect(ConfigFixtures.error(["SESSION_MAX_AGE": "90000"])?.key == "SESSION_ABSOLUTE_MAX_AGE")
    }

    @Test(arguments: ["10.0.0.1 foo", "10.0.0.0/33", "::1/129", "10.0.0.1/", "10.0.0.1/a", "1.2.3", "fe80::1%eth0", "10.0.0.1/8/8"])
    func badTrustedProxies(value: String) {
        #expect(ConfigFixtures.error(["TRUSTED_PROXIES": value])?.key == "TRUSTED_PROXIES")
    }

    @Test func badMetricsAllowEntryIsNamed() {
        #expect(ConfigFixtures.error(["METRICS_ALLOW": "127.0.0.1,localhost"])
            == ConfigurationError(key: "METRICS_ALLOW", message: #""localhost" is not an IP address or CIDR range"#))
    }

    @Test func addressListSeparators() throws {
        let configuration = try ConfigFixtures.load([
            "SECRET_KEY": secret, "TRUSTED_PROXIES": " 10.0.0.1,,::1 ,\t172.16.0.0/12 ", "METRICS_ALLOW": "0.0.0.0/0",
        ])
        #expect(configuration.trustedProxies == ["10.0.0.1", "::1", "172.16.0.0/12"])
        #expect(configuration.metricsAllow == ["0.0.0.0/0"])
    }

    @Test(arguments: ["se ssion", "a=b", "a;b", "sess\u{7F}", "séance", "[x]", "a,b"])
    func badCookieName(value: String) {
        #expect(ConfigFixtures.error(["SESSION_COOKIE_NAME": value])?.key == "SESSION_COOKIE_NAME")
    }

    @Test func securePrefixedCookieName() throws {
        #expect(ConfigFixtures.error(["SESSION_COOKIE_NAME": "__Host-session", "COOKIE_SECURE": "false"])?.key
            == "SESSION_COOKIE_NAME")
        let always = try ConfigFixtures.load(
            ["SECRET_KEY": secret, "SESSION_COOKIE_NAME": "__Host-session", "COOKIE_SECURE": "true"])
        #expect(always.sessionCookieName == "__Host-session")
        #expect(always.warnings.isEmpty)
        let auto = try ConfigFixtures.load(["SECRET_KEY": secret, "SESSION_COOKIE_NAME": "__Secure-sid"])
        #expect(auto.warnings.count == 1)
    }

    @Test func registrationSpellings() throws {
        for (value, expected) in [("on", true), ("YES", true), ("1", true), ("off", false), ("no", false), ("False", false)] {
            #expect(try ConfigFixtures.load(["SECRET_KEY": secret, "REGISTRATION": value]).registration == expected)
        }
        #expect(ConfigFixtures.error(["REGISTRATION": "sometimes"])?.key == "REGISTRATION")
    }

    @Test func passwordMinScore() throws {
        #expect(try ConfigFixtures.load(["SECRET_KEY": secret]).passwordMinScore == 3)
        for value in 0...4 {
            #expect(try ConfigFixtures.load(["SECRET_KEY": secret, "PASSWORD_MIN_SCORE": String(value)]).passwordMinScore == value)
        }
        for value in ["5", "-1", "abc", "2.5", " 3", "+3", "03", "٣"] {
            #expect(ConfigFixtures.error(["PASSWORD_MIN_SCORE": value])?.key == "PASSWORD_MIN_SCORE", "\(value)")
        }
        #expect(ConfigFixtures.error(["PASSWORD_MIN_SCORE": "abc"])?.message
            == #"expected a zxcvbn score from 0 to 4, got "abc""#)
    }

    @Test func auditRetentionIsWholeDays() throws {
        #expect(try ConfigFixtures.load(["SECRET_KEY": secret, "AUDIT_RETENTION": "1"]).auditRetention == 1)
        for bad in ["0", "-5", "1.5", "a year", " 30", "36501"] {
            let error = ConfigFixtures.error(["AUDIT_RETENTION": bad])
            #expect(error?.key == "AUDIT_RETENTION", "\(bad)")
            #expect(error?.message.contains("whole number of days") == true, "\(bad)")
        }
    }

    @Test func reauthWindowIsWholeSeconds() throws {
        #expect(try ConfigFixtures.load(["SECRET_KEY": secret]).reauthWindow == 600)
        #expect(try ConfigFixtures.load(["SECRET_KEY": secret, "REAUTH_WINDOW": "1"]).reauthWindow == 1)
        for bad in ["0", "-5", "1.5", "ten minutes", " 30"] {
            let error = ConfigFixtures.error(["REAUTH_WINDOW": bad])
            #expect(error?.key == "REAUTH_WINDOW", "\(bad)")
            #expect(error?.message.contains("whole number of seconds") == true, "\(bad)")
        }
    }

    @Test func databaseURLWinsOverDBSettings() throws {
        let configuration = try ConfigFixtures.load([
            "SECRET_KEY": secret, "DATABASE_URL": "postgresql://u@db/app",
            "DB_HOST": "other", "DB_NAME": "ignored",
        ])
        #expect(configuration.databaseConnInfo == "postgresql://u@db/app")
    }

    @Test func connInfoBuiltFromDBSettings() throws {
        let configuration = try ConfigFixtures.load([
            "SECRET_KEY": secret, "DB_HOST": "/work/.run", "DB_PORT": "5433", "DB_USER": "gate",
            "DB_PASSWORD": #"it's a \ pass"#, "DB_NAME": "gatehouse",
        ])
        #expect(configuration.databaseConnInfo
            == #"host='/work/.run' port='5433' user='gate' password='it\'s a \\ pass' dbname='gatehouse'"#)
        let partial = try ConfigFixtures.load(["SECRET_KEY": secret, "DB_NAME": "app"])
        #expect(partial.databaseConnInfo == "dbname='app'")
    }
}
