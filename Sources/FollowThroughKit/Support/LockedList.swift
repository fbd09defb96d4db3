import Foundation

/// A list that several threads append to (delivery outcomes from transport threads, rendering problems).
final class LockedList<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Element] = []
    init() {}
    func add(_ item: Element) { lock.withLock { items.append(item) } }
    func add(contentsOf more: [Element]) { lock.withLock { items += more } }
    var all: [Element] { lock.withLock { items } }
}
