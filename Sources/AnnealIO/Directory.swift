import Glibc

/// Output directories, created with one clear error instead of Foundation's.
public enum Directory {
    /// Creates `path` and its missing parents (as `mkdir -p`); an existing
    /// directory is fine, a file in the way or a refusal is an error naming the path.
    public static func create(_ path: String) throws {
        guard !path.isEmpty else { throw AnnealIOError(path: path, "empty directory name") }
        var status = stat()
        if stat(path, &status) == 0 {
            guard (status.st_mode & S_IFMT) == S_IFDIR else { throw AnnealIOError(path: path, "exists and is not a directory") }
            return
        }
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !parent.isEmpty && parent != path { try create(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw AnnealIOError(path: path, "cannot create directory: \(FileBytes.errnoText(errno))")
        }
    }

    /// Whether a regular file exists at `path`.
    public static func fileExists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
    }

    /// Whether a directory exists at `path`.
    public static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// The names in directory `path` (without "." and ".."), sorted by their bytes
    /// so every machine lists them in the same order, each with whether it is a
    /// directory (symbolic links followed).
    public static func entries(_ path: String) throws -> [(name: String, isDirectory: Bool)] {
        guard let stream = opendir(path) else {
            let code = errno
            throw AnnealIOError(path: path, code == ENOENT ? "no such directory" : "cannot list: \(FileBytes.errnoText(code))")
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            .map { ($0, isDirectory(path + "/" + $0)) }
    }
}
