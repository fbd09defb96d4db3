import Foundation

/// Every site's details as its latest work orders give them (each non-empty field of a later row replaces the one
/// held), for hundreds of thousands of sites: ids in a packed table, details in one byte buffer. A `[String: Site]`
/// cost ~400 bytes a site, most of it three small heap strings; this holds ~40 bytes plus the text.
public struct SiteDirectory: Sendable {
    /// Per id: `position << 40 | 40-bit hash of the latest row's details`, so a row repeating them costs one lookup.
    private var positions = ShortKeyTable()
    private var entries: [Entry] = []
    /// The details' bytes; a field that changes gets new bytes at the end (sites rarely change, so little is wasted).
    private var text: [UInt8] = []

    private struct Entry: Sendable {
        var id: String
        var name: Span
        var customerName: Span
        var address: Span
    }

    private struct Span: Sendable {
        var start: UInt32 = 0
        var count: UInt32 = 0
    }

    static let hashMask: UInt64 = 1 << 40 - 1

    public init() {}

    /// Sites given whole (tests and small inputs).
    public init(_ sites: [String: Site]) {
        for site in sites.values.sorted(by: { $0.id < $1.id }) {
            var (id, name, customer, address) = (site.id, site.name, site.customerName, site.address)
            id.withUTF8 { id in name.withUTF8 { name in customer.withUTF8 { customer in address.withUTF8 { address in
                update(UnsafeRawBufferPointer(id), name: UnsafeRawBufferPointer(name),
                       customerName: UnsafeRawBufferPointer(customer), address: UnsafeRawBufferPointer(address))
            } } } }
        }
    }

    public var count: Int { entries.count }

    public func contains(_ id: String) -> Bool { positions[id] != nil }

    public subscript(_ id: String) -> Site? {
        guard let value = positions[id] else { return nil }
        let entry = entries[Int(value >> 40)]
        return Site(id: entry.id, name: string(entry.name), customerName: string(entry.customerName), address: string(entry.address))
    }

    /// Every site, in the order first seen.
    public var all: [Site] { entries.map { self[$0.id]! } }

    private func string(_ span: Span) -> String {
        guard span.count > 0 else { return "" }
        return text.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[Int(span.start)..<Int(span.start + span.count)]), as: UTF8.self)
        }
    }

    /// Starts fetching where `update` will look the site up (see `ShortKeyTable.prefetch`).
    @inline(__always)
    func prefetch(_ id: UnsafeRawBufferPointer) { positions.prefetch(id) }

    /// A work order row's site: added when new; its non-empty details replace those held.
    @inline(__always)
    mutating func update(_ id: UnsafeRawBufferPointer, name: UnsafeRawBufferPointer, customerName: UnsafeRawBufferPointer,
                         address: UnsafeRawBufferPointer) {
        let hash = DetailsHash.of(name, customerName, address) & Self.hashMask
        let next = UInt64(entries.count)
        let changed: Int? = positions.withValue(id, initial: next << 40 | hash) { value, isNew in
            if isNew { return nil }
            if value & Self.hashMask == hash { return -1 }
            value = (value & ~Self.hashMask) | hash
            return Int(value >> 40)
        }
        switch changed {
        case nil:
            precondition(next < 1 << 24, "too many sites to pack")
            entries.append(Entry(id: String(decoding: id, as: UTF8.self), name: append(name), customerName: append(customerName),
                                 address: append(address)))
        case let position?:
            if position >= 0 { refresh(position, name: name, customerName: customerName, address: address) }
        }
    }

    /// Takes in the sites of a later part of the same file: new ones are added, known ones take its details.
    mutating func merge(later: SiteDirectory) {
        later.text.withUnsafeBytes { bytes in
            func field(_ span: Span) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: bytes[Int(span.start)..<Int(span.start + span.count)])
            }
            for entry in later.entries {
                var id = entry.id
                id.withUTF8 { update(UnsafeRawBufferPointer($0), name: field(entry.name), customerName: field(entry.customerName),
                                     address: field(entry.address)) }
            }
        }
    }

    private mutating func refresh(_ position: Int, name: UnsafeRawBufferPointer, customerName: UnsafeRawBufferPointer,
                                  address: UnsafeRawBufferPointer) {
        var entry = entries[position]
        take(&entry.name, name)
        take(&entry.customerName, customerName)
        take(&entry.address, address)
        entries[position] = entry
    }

    /// A non-empty field that differs from the one held replaces it.
    private mutating func take(_ held: inout Span, _ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        let same = Int(held.count) == bytes.count && text.withUnsafeBytes {
            memcmp($0.baseAddress! + Int(held.start), bytes.baseAddress!, bytes.count) == 0
        }
        if !same { held = append(bytes) }
    }

    private mutating func append(_ bytes: UnsafeRawBufferPointer) -> Span {
        guard !bytes.isEmpty else { return Span() }
        precondition(text.count + bytes.count < Int(UInt32.max), "too much site text to pack")
        let span = Span(start: UInt32(text.count), count: UInt32(bytes.count))
        text.append(contentsOf: bytes)
        return span
    }
}

extension SiteDirectory: Equatable {
    /// The same sites with the same details (however the bytes are laid out).
    public static func == (a: SiteDirectory, b: SiteDirectory) -> Bool {
        a.count == b.count && a.entries.allSatisfy { b[$0.id] == a[$0.id] }
    }
}
