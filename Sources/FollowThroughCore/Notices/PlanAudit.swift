import Foundation

/// A machine-readable account of a plan: who gets what, by id. Written by `run --plan-out`.
public struct PlanAudit: Codable, Sendable, Equatable {
    public struct Visit: Codable, Sendable, Equatable {
        public var work_order_id: String
        public var recommendation_ids: [String]
    }
    public struct Summary: Codable, Sendable, Equatable {
        public var technician: String
        public var visits: [Visit]
    }
    public struct Digest: Codable, Sendable, Equatable {
        /// Sales owner's person id, or "" for the sales inbox.
        public var owner: String
        /// Every stale lead of this owner that is young enough to list, in digest order (listed first, then the rest).
        public var recommendation_ids: [String]
        public var too_old: Int
    }
    public var as_of: String
    public var pre_visit: [Summary]
    public var stale: [Digest]

    init(as_of: String, pre_visit: [Summary], stale: [Digest]) {
        self.as_of = as_of; self.pre_visit = pre_visit; self.stale = stale
    }

    public init(plan: Plan, asOf: LocalDate) {
        as_of = asOf.description
        pre_visit = plan.summaries.map { s in
            Summary(technician: s.technician.id, visits: s.visits.map {
                Visit(work_order_id: $0.workOrder.id, recommendation_ids: $0.items.map(\.recommendation.id))
            })
        }
        stale = plan.digests.map { d in
            var owner = ""
            if case .person(let p) = d.recipient { owner = p.id }
            return Digest(owner: owner, recommendation_ids: d.leads.map(\.recommendation.id) + d.moreIDs, too_old: d.tooOldCount)
        }
    }

    /// The audit as `JSONEncoder` writes it with `[.prettyPrinted, .sortedKeys]`, byte for byte (`encodedJSON()`), but
    /// written by hand: at a million work orders the encoder took ~70 ms for ~100,000 ids.
    public func json() -> Data {
        var w = PrettyJSON()
        w.object(0) { w in
            w.key("as_of", first: true, 1); w.string(as_of)
            w.key("pre_visit", 1)
            w.array(pre_visit, 1) { w, s in
                w.object(2) { w in
                    w.key("technician", first: true, 3); w.string(s.technician)
                    w.key("visits", 3)
                    w.array(s.visits, 3) { w, v in
                        w.object(4) { w in
                            w.key("recommendation_ids", first: true, 5); w.array(v.recommendation_ids, 5) { $0.string($1) }
                            w.key("work_order_id", 5); w.string(v.work_order_id)
                        }
                    }
                }
            }
            w.key("stale", 1)
            w.array(stale, 1) { w, d in
                w.object(2) { w in
                    w.key("owner", first: true, 3); w.string(d.owner)
                    w.key("recommendation_ids", 3); w.array(d.recommendation_ids, 3) { $0.string($1) }
                    w.key("too_old", 3); w.bytes.append(contentsOf: String(d.too_old).utf8)
                }
            }
        }
        return Data(w.bytes)
    }

    /// What `json()` must equal: Foundation's encoder.
    func encodedJSON() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }
}

/// Pretty-printed JSON in `JSONEncoder`'s layout: two-space indents, `"key" : value`, an empty array as `[` and `]`
/// with a blank line between, `/` escaped.
struct PrettyJSON {
    var bytes: [UInt8] = []

    mutating func newline(_ level: Int) {
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(0x20, count: 2 * level))
    }

    /// `{`, the fields `body` writes (their keys at `level + 1`), `}`.
    mutating func object(_ level: Int, _ body: (inout PrettyJSON) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        body(&self)
        newline(level)
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func key(_ name: StaticString, first: Bool = false, _ level: Int) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        newline(level)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        bytes.append(contentsOf: "\" : ".utf8)
    }

    /// An array whose items start at `level + 1`.
    mutating func array<T>(_ items: [T], _ level: Int, _ item: (inout PrettyJSON, T) -> Void) {
        bytes.append(UInt8(ascii: "["))
        if items.isEmpty { bytes.append(0x0A) }
        for (i, value) in items.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            newline(level + 1)
            item(&self, value)
        }
        newline(level)
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
            case 0x0A: bytes.append(contentsOf: "\\n".utf8)
            case 0x0D: bytes.append(contentsOf: "\\r".utf8)
            case 0x09: bytes.append(contentsOf: "\\t".utf8)
            case 0x08: bytes.append(contentsOf: "\\b".utf8)
            case 0x0C: bytes.append(contentsOf: "\\f".utf8)
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(hex[Int(b >> 4)]); bytes.append(hex[Int(b & 15)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
