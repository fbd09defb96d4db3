import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One run at a time: an exclusive `flock` on a file beside the state. The kernel drops it when the process
/// dies, however it dies, so a lock left by a killed run never blocks the next night.
public final class RunLock: @unchecked Sendable {
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// Another process holds the lock (its pid, when it wrote one).
        case held(path: String, holder: String)
        case cannotOpen(path: String, reason: String)
        public var description: String {
            switch self {
            case .held(let path, let holder):
                return "another run holds the lock \(path)\(holder.isEmpty ? "" : " (pid \(holder))"); this run sent nothing"
            case .cannotOpen(let path, let reason):
                return "\(path): cannot open the lock file (\(reason)) (hint: the folder of state_path must be writable)"
            }
        }
    }

    public let path: String
    private var fd: Int32

    private init(path: String, fd: Int32) { self.path = path; self.fd = fd }

    /// The lock file for a state file: `<state_path>.lock`.
    public static func path(forState statePath: String) -> String { statePath + ".lock" }

    /// Takes the lock without waiting, and writes this process's pid into the file.
    public static func acquire(path: String) throws(Failure) -> RunLock {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let reason = errno
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, 31, 0)
            close(fd)
            guard reason == EWOULDBLOCK else { throw .cannotOpen(path: path, reason: String(cString: strerror(reason))) }
            let holder = n > 0 ? String(decoding: buffer.prefix(n), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
            throw .held(path: path, holder: holder)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return RunLock(path: path, fd: fd)
    }

    /// Releases the lock (also done when the process ends).
    public func release() {
        guard fd >= 0 else { return }
        _ = flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
