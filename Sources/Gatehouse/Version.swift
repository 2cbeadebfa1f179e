/// The release this source tree is. `gatehouse --version` prints it, and `scripts/deb.sh`
/// reads the string literal below for the Debian package's version: keep it on one line.
public enum GatehouseVersion {
    public static let current = "0.9.0"
}
