import Foundation

/// Finds env files in a project folder: `.env`, `.env.*` and `*.env`, at most `maximumDepth`
/// folders down, never following a symbolic link, skipping `.git`, dependency and build folders.
enum EnvFileFinder {
    static let maximumDepth = 6
    /// At most this many files are returned, so that a huge tree cannot stall the doctor.
    static let maximumFiles = 1_000
    static let skipped: Set<String> = [".git", "node_modules", ".build", "vendor", "Pods", "target", "dist", ".venv", "venv"]

    static func files(under root: String) -> [String] {
        var found: [String] = []
        var queue: [(String, Int)] = [(root, 0)]
        while let (folder, depth) = queue.popLast(), found.count < maximumFiles {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names.sorted() {
                let path = (folder as NSString).appendingPathComponent(name)
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFREG where isEnvFile(name): found.append(path)
                case S_IFDIR where depth < maximumDepth && !skipped.contains(name): queue.append((path, depth + 1))
                default: break
                }
            }
        }
        return found
    }

    static func isEnvFile(_ name: String) -> Bool {
        name == ".env" || name.hasPrefix(".env.") || (name.hasSuffix(".env") && name.count > 4)
    }
}
