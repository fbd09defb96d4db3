import CSystem
import Foundation

/// Delivery into a folder: one `.eml` file per message, written atomically, named so reruns overwrite.
public enum OutboxTransport {
    /// Messages written between two flushes to disk; a message counts as delivered only once flushed. Each flush
    /// waits for a journal commit: at 1M work orders (346 messages, ~13 MB) one flush instead of six saved ~8 ms.
    static let batchSize = 512

    public static func live(directory: String, asOf: String) -> MailTransport {
        MailTransport(name: "outbox \(directory)", idempotent: true) { messages, onOutcome in
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw TransportSetupError("\(directory): cannot create the outbox folder (\(error.localizedDescription))")
            }
            let folder = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard folder >= 0 else { throw TransportSetupError("\(directory): cannot open the outbox folder (\(String(cString: strerror(errno))))") }
            defer { close(folder) }
            let unnamed = UnnamedFiles()
            while messages.hasMore {
                // Only the envelope of what waits for the flush is kept: bodies are dropped once written. Two threads
                // write (creating a file and copying its bytes is the kernel's work, ~0.2 ms a message at 1M).
                let batch = Batch(size: batchSize)
                DispatchQueue.concurrentPerform(iterations: writers) { _ in
                    while batch.claim(), let message = messages.next() {
                        let name = fileName(asOf: asOf, kind: message.kind, recipient: message.recipient)
                        let path = (directory.hasSuffix("/") ? directory : directory + "/") + name
                        if let problem = write(message.data, named: name, in: folder, path: path, unnamed: unnamed) {
                            onOutcome(DeliveryOutcome(messageID: message.messageID, recipient: message.recipient, status: .failed,
                                                      permanent: false, attempts: 1, reply: "cannot write \(path): \(problem)"))
                        } else {
                            batch.written.add((message.messageID, message.recipient, path))
                        }
                    }
                }
                let written = batch.written.all
                // One flush for the batch instead of one fsync per file; nothing is reported delivered before it.
                let flushed = written.isEmpty || ft_syncfs(folder) == 0
                let problem = flushed ? "" : String(cString: strerror(errno))
                for (messageID, recipient, path) in written {
                    onOutcome(flushed
                        ? DeliveryOutcome(messageID: messageID, recipient: recipient, status: .delivered,
                                          permanent: false, attempts: 1, reply: "written to \(path)")
                        : DeliveryOutcome(messageID: messageID, recipient: recipient, status: .failed,
                                          permanent: false, attempts: 1, reply: "cannot flush \(path) to disk: \(problem)"))
                }
            }
        }
    }

    /// Threads writing a batch.
    static let writers = 2

    /// The messages of one batch, claimed one at a time by the writing threads, and what they wrote.
    final class Batch: @unchecked Sendable {
        private let lock = NSLock()
        private var left: Int
        let written = LockedList<(messageID: String, recipient: String, path: String)>()
        init(size: Int) { left = size }
        /// True while the batch has room for one more message (and counts it).
        func claim() -> Bool { lock.withLock { guard left > 0 else { return false }; left -= 1; return true } }
    }

    /// Writes `data` as the file `name` in the folder open as `folder` (at `path`), whole or not at all: into a file
    /// with no name yet, then named (one entry made in the folder; a temporary name, renamed into place, made three,
    /// and the two writing threads queued on the folder's lock for each: ~40% of delivery's CPU at 1M). A name already
    /// taken (a night written again) is replaced by renaming; where the system cannot make unnamed files, a temporary
    /// file is written and renamed. The reason on failure.
    /// `unnamed`: whether unnamed files are still to be tried (the first that cannot be made or named turns it off).
    static func write(_ data: [UInt8], named name: String, in folder: Int32, path: String, unnamed: UnnamedFiles) -> String? {
        let fd = unnamed.available ? ft_open_unnamed(folder, 0o644) : -1
        guard fd >= 0 else {
            unnamed.turnOff()
            return write(data, to: path)
        }
        if let problem = writeAll(data, to: fd) {
            close(fd)
            return problem
        }
        var problem: String?
        if ft_link_unnamed(fd, folder, name) != 0 {
            guard errno == EEXIST else {  // no way to name it here: written the other way
                close(fd)
                unnamed.turnOff()
                return write(data, to: path)
            }
            let temporary = name + ".tmp"
            unlinkat(folder, temporary, 0)  // left by a run killed between the two steps below
            if ft_link_unnamed(fd, folder, temporary) != 0 || renameat(folder, temporary, folder, name) != 0 {
                problem = String(cString: strerror(errno))
                unlinkat(folder, temporary, 0)
            }
        }
        // Some file systems report a failed write only here (the message is then written again by the next run).
        if close(fd) != 0, problem == nil { problem = String(cString: strerror(errno)) }
        return problem
    }

    /// Whether files with no name yet are tried, shared by the writing threads of a delivery.
    final class UnnamedFiles: @unchecked Sendable {
        private let lock = NSLock()
        private var on: Bool
        init(_ on: Bool = true) { self.on = on }
        var available: Bool { lock.withLock { on } }
        func turnOff() { lock.withLock { on = false } }
    }

    /// Writes `data` to a temporary file beside `path`, then renames it into place; the reason on failure.
    static func write(_ data: [UInt8], to path: String) -> String? {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        if let problem = writeAll(data, to: fd) {
            close(fd); unlink(temporary)
            return problem
        }
        guard close(fd) == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return reason
        }
        return nil
    }

    /// Writes all of `data` to `fd`; the reason on failure.
    static func writeAll(_ data: [UInt8], to fd: Int32) -> String? {
        var offset = 0
        while offset < data.count {
            let n = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, data.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += n
        }
        return nil
    }

    /// `2026-11-23_pre-visit_alice@example.com.eml`, with anything unusual in the address replaced.
    static func fileName(asOf: String, kind: String, recipient: String) -> String {
        let safe = String(recipient.lowercased().unicodeScalars.map { c -> Character in
            CharacterSet.alphanumerics.contains(c) && c.isASCII || "@.-+_".unicodeScalars.contains(c) ? Character(c) : "_"
        })
        return "\(asOf)_\(kind)_\(safe).eml"
    }
}
