/// An email address with an optional display name, validated so it can never break a header.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    public let displayName: String?
    public let address: String

    /// Builds an address from parts; throws when `address` is not a plain addr-spec or either part holds CR/LF.
    public init(displayName: String?, address: String) throws(MailAddressError) {
        fatalError("not implemented yet")
    }

    /// Parses `Name <addr@host>`, `"Name, Jr." <addr@host>` or a bare `addr@host`.
    public init(parsing text: String) throws(MailAddressError) {
        fatalError("not implemented yet")
    }

    /// The domain part of the address.
    public var domain: Substring { address[address.index(after: address.lastIndex(of: "@")!)...] }

    /// Human-readable form, `Name <addr>`.
    public var description: String { displayName.map { "\($0) <\(address)>" } ?? address }
}

/// Why a text is not a usable email address.
public struct MailAddressError: Error, Equatable, Sendable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "'\(text)' is not a usable email address: \(reason)" }
}
