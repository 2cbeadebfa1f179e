import Glibc
import Testing
@testable import Gatehouse

@Suite("Configuration loading")
struct ConfigurationLoadingTests {
    private let secret = ConfigFixtures.secret

    @Test func defaultsWhenOnlySecretKeyIsGiven() throws {
        let configuration = try ConfigFixtures.load(["SECRET_KEY": secret])
        #expect(configuration.secretKey == Array(secret.utf8))
        #expect(configuration.databaseConnInfo == "")
        #expect(configuration.listen == .unix(path: ".run/gatehouse.sock"))
        #expect(configuration.workerProcesses == 2)
        #expect(configuration.workers == 8)  // 2 × the 4 cores the fixture reports
        #expect(configuration.sessionCookieName == "session")
        #expect(configuration.sessionMaxAge == 3600)
        #expect(configuration.sessionAbsoluteMaxAge == 86400)
        #expect(configuration.cookieSecure == .auto)
        #expect(configuration.pbkdf2Iterations == 600_000)
        #expect(configuration.loginFailureLimit == 5)
        #expect(configuration.loginFailureWindow == 900)
        #expect(configuration.loginIPLimit == 50)
        #expect(configuration.loginUserLimit == 100)
        #expect(configuration.registration == false)
        #expect(configuration.auditRetention == 365)
        #expect(configuration.templatesDir == "templates")
        #expect(configuration.trustedProxies == [])
        #expect(configuration.metricsAllow == ["127.0.0.1", "::1"])
        #expect(configuration.warnings == [])
        #expect(configuration == Configuration(secretKey: Array(secret.utf8), workers: 8))
    }

    @Test func workersDefaultFollowsOnlineCores() throws {
        let configuration = try Configuration.load(
            envFile: nil, environment: ["SECRET_KEY": secret],
            defaultEnvFile: ConfigFixtures.missingPath(), onlineCores: Configuration.onlineCores())
        #expect(configuration.workers == min(1024, 2 * Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        #expect(Configuration.defaultWorkers(onlineCores: 0) == 1)
        #expect(Configuration.defaultWorkers(onlineCores: 4096) == 1024)
    }

    @Test func readsEveryKeyFromFile() throws {
        let path = ConfigFixtures.writeEnvFile("""
            SECRET_KEY=\(secret)
            LISTEN=127.0.0.1:9000
            WORKER_PROCESSES=3
            WORKERS=16
            SESSION_COOKIE_NAME=gh_sid
            SESSION_MAX_AGE=600
            SESSION_ABSOLUTE_MAX_AGE=600
            COOKIE_SECURE=true
            PBKDF2_ITERATIONS=1000
            LOGIN_FAILURE_LIMIT=3
            LOGIN_FAILURE_WINDOW=60
            LOGIN_IP_LIMIT=20
            LOGIN_USER_LIMIT=40
            REGISTRATION=yes
            AUDIT_RETENTION=30
            TEMPLATES_DIR=/srv/templates
            TRUSTED_PROXIES=10.0.0.0/8, 192.168.1.1 fd00::/8
            METRICS_ALLOW=
            """)
        defer { unlink(path) }
        let configuration = try ConfigFixtures.load(envFile: path, [:])
        #expect(configuration.listen == .tcp(host: "127.0.0.1", port: 9000))
        #expect(configuration.workerProcesses == 3)
        #expect(configuration.workers == 16)
        #expect(configuration.sessionCookieName == "gh_sid")
        #expect(configuration.sessionMaxAge == 600)
        #expect(configuration.sessionAbsoluteMaxAge == 600)
        #expect(configuration.cookieSecure == .always)
        #expect(configuration.pbkdf2Iterations == 1000)
        #expect(configuration.loginFailureLimit == 3)
        #expect(configuration.loginFailureWindow == 60)
        #expect(configuration.loginIPLimit == 20)
        #expect(configuration.loginUserLimit == 40)
        #expect(configuration.registration)
        #expect(configuration.auditRetention == 30)
        #expect(configuration.templatesDir == "/srv/templates")
        #expect(configuration.trustedProxies == ["10.0.0.0/8", "192.168.1.1", "fd00::/8"])
        #expect(configuration.metricsAllow == [])
    }

    @Test func environmentOverridesFile() throws {
        let path = ConfigFixtures.writeEnvFile("SECRET_KEY=\(secret)\nSESSION_MAX_AGE=100\nWORKERS=3\n")
        defer { unlink(path) }
        let configuration = try ConfigFixtures.load(
            envFile: path, ["SESSION_MAX_AGE": "200", "COOKIE_SECURE": "false", "PATH": "/bin"])
        #expect(configuration.sessionMaxAge == 200)
        #expect(configuration.workers == 3)
        #expect(configuration.cookieSecure == .never)
        #expect(configuration.warnings == [])
    }

    @Test func emptyValueMeansDefault() throws {
        let configuration = try ConfigFixtures.load(
            ["SECRET_KEY": secret, "SESSION_MAX_AGE": "", "LISTEN": "", "DB_HOST": ""])
        #expect(configuration.sessionMaxAge == 3600)
        #expect(configuration.listen == .unix(path: ".run/gatehouse.sock"))
        #expect(configuration.databaseConnInfo == "")
    }

    @Test func envFileComesFromEnvironmentVariable() throws {
        let path = ConfigFixtures.writeEnvFile("SECRET_KEY=\(secret)\nWORKERS=5\n")
        defer { unlink(path) }
        let configuration = try ConfigFixtures.load(["GATEHOUSE_ENV_FILE": path])
        #expect(configuration.workers == 5)
        #expect(configuration.warnings == [])
    }

    @Test func commandLineFileWinsOverEnvironmentVariable() throws {
        let chosen = ConfigFixtures.writeEnvFile("SECRET_KEY=\(secret)\nWORKERS=6\n")
        defer { unlink(chosen) }
        let configuration = try ConfigFixtures.load(
            envFile: chosen, ["GATEHOUSE_ENV_FILE": ConfigFixtures.missingPath()])
        #expect(configuration.workers == 6)
    }

    @Test func defaultFileIsReadWhenPresent() throws {
        let path = ConfigFixtures.writeEnvFile("SECRET_KEY=\(secret)\nWORKERS=7\n")
        defer { unlink(path) }
        let configuration = try Configuration.load(
            envFile: nil, environment: [:], defaultEnvFile: path, onlineCores: 1)
        #expect(configuration.workers == 7)
    }

    @Test func missingDefaultFileIsFine() throws {
        let configuration = try Configuration.load(
            envFile: nil, environment: ["SECRET_KEY": secret],
            defaultEnvFile: ConfigFixtures.missingPath(), onlineCores: 1)
        #expect(configuration.workers == 2)
    }

    @Test func missingExplicitFileIsAnError() {
        let missing = ConfigFixtures.missingPath()
        #expect(throws: ConfigurationError.self) {
            try ConfigFixtures.load(envFile: missing, ["SECRET_KEY": secret])
        }
        do {
            _ = try ConfigFixtures.load(envFile: missing, ["SECRET_KEY": secret])
        } catch {
            #expect(error.key == "--env-file")
            #expect(error.message.contains(missing))
        }
        do {
            _ = try ConfigFixtures.load(["SECRET_KEY": secret, "GATEHOUSE_ENV_FILE": missing])
            Issue.record("expected an error")
        } catch {
            #expect(error.key == "GATEHOUSE_ENV_FILE")
        }
    }

    @Test func unreadableFileIsAnError() {
        do {
            _ = try ConfigFixtures.load(envFile: "/tmp", ["SECRET_KEY": secret])
            Issue.record("expected an error")
        } catch {
            #expect(error.key == "--env-file")
        }
    }

    @Test func syntaxErrorInFileNamesLine() {
        let path = ConfigFixtures.writeEnvFile("SECRET_KEY=\(secret)\n# fine\noops\n")
        defer { unlink(path) }
        do {
            _ = try ConfigFixtures.load(envFile: path, [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.key == "\(path):3")
        }
    }

    @Test func unknownKeysAreWarnedAbout() throws {
        let path = ConfigFixtures.writeEnvFile("SECRET_KEY=\(secret)\nFOO=1\nSESION_MAX_AGE=5\nFOO=2\n")
        defer { unlink(path) }
        let configuration = try ConfigFixtures.load(
            envFile: path,
            ["GATEHOUSE_LISTEN": "x", "GATEHOUSE_ENV_FILE": "/ignored", "HOME": "/root", "FOO": "ok"])
        #expect(configuration.warnings == [
            "unknown configuration key FOO in \(path)",
            "unknown configuration key SESION_MAX_AGE in \(path)",
            "unknown configuration key GATEHOUSE_LISTEN in the environment",
        ])
        #expect(configuration.sessionMaxAge == 3600)
    }
}
