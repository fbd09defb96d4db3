import Foundation

/// Which file a path named, and as of when: device, inode, size and modification time. A file read in several
/// passes (its two parts, the line ends counted before its later part) is checked to be the same version in each: an
/// export replaced or still being written meanwhile would give rows wrong line numbers, or parts of two exports.
struct FileVersion: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modified: timespec

    init?(fd: Int32) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        device = UInt64(info.st_dev); inode = UInt64(info.st_ino); size = Int64(info.st_size); modified = info.st_mtim
    }

    static func == (a: FileVersion, b: FileVersion) -> Bool {
        a.device == b.device && a.inode == b.inode && a.size == b.size
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
    }
}
