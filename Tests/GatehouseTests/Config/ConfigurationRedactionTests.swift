import Testing
@testable import Gatehouse

@Suite("Configuration redaction")
struct ConfigurationRedactionTests {
    private let secret = ConfigFixtures.secret

    @Test func listsEveryKeyAndHidesSecrets() throws {
        let configuration = try ConfigFixtures.load([
            "SECRET_KEY": secret, "DB_USER": "gate", "DB_PASSWORD": "hunter2'x", "DB_NAME": "app",
        ])
        let text = configuration.redactedDescription()
        #expect(!text.contains(secret))
        #expect(!text.contains("hunter2"))
        #expect(text.contains("SECRET_KEY=********\n"))
        #expect(text.contains(#"DATABASE_URL="user='gate' password='********' dbname='app'""#))
        #expect(text.contains("LISTEN=unix:.run/gatehouse.sock\n"))
        #expect(text.contains(#"METRICS_ALLOW="127.0.0.1 ::1""#))
        #expect(text.contains("TRUSTED_PROXIES=\n"))
        #expect(text.contains("REAUTH_WINDOW=600\n"))
        #expect(text.contains("REGISTRATION=off\n"))
        #expect(text.contains("PASSWORD_MIN_SCORE=3\n"))
        #expect(text.contains("DATABASE_TIMEOUT=2\n"))
        let keys = text.split(separator: "\n").map { String($0.prefix(while: { $0 != "=" })) }
        #expect(Set(keys) == Configuration.knownKeys.subtracting(["DB_HOST", "DB_PORT", "DB_USER", "DB_PASSWORD", "DB_NAME"]))
    }

    @Test func outputIsDotEnvSyntax() throws {
        let configuration = try ConfigFixtures.load([
            "SECRET_KEY": secret, "LISTEN": "[::1]:9000", "TEMPLATES_DIR": "my templates",
        ])
        let entries = try DotEnv.parse(configuration.redactedDescription(), file: "out")
        let values = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        #expect(values["LISTEN"] == "[::1]:9000")
        #expect(values["TEMPLATES_DIR"] == "my templates")
        #expect(values["WORKERS"] == "8")
    }

    @Test(arguments: [
        ("postgresql://gate:s3cret@db:5432/app", "postgresql://gate:********@db:5432/app"),
        ("postgres://gate:p%40ss@db/app?sslmode=require", "postgres://gate:********@db/app?sslmode=require"),
        ("postgresql://gate@db/app?password=s3cret&sslmode=off", "postgresql://gate@db/app?password=********&sslmode=off"),
        ("postgresql:///app?host=/run/pg", "postgresql:///app?host=/run/pg"),
        ("host=db password=s3cret user=gate", "host=db password='********' user=gate"),
        ("sslpassword=k3y host=db", "sslpassword='********' host=db"),
        ("postgresql://db/app?sslpassword=k3y", "postgresql://db/app?sslpassword=********"),
        ("host=db password = 's3\\'cret' dbname=app", "host=db password = '********' dbname=app"),
        ("password='unterminated s3cret", "********"),
        ("", ""),
    ])
    func connInfoPasswordIsMasked(input: String, expected: String) {
        #expect(ConnInfo.redacted(input) == expected)
    }

    @Test func databaseURLPasswordHidden() throws {
        let configuration = try ConfigFixtures.load([
            "SECRET_KEY": secret, "DATABASE_URL": "postgresql://gate:s3cret@db/app",
        ])
        let text = configuration.redactedDescription()
        #expect(!text.contains("s3cret"))
        #expect(text.hasPrefix("DATABASE_URL=postgresql://gate:********@db/app\n"))
        #expect(!text.hasSuffix("\n"))
    }
}
