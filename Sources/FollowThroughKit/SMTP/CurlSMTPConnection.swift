import CCurl
import Foundation

/// What one try of one message came to.
struct SMTPAttempt: Sendable {
    enum Result: Sendable { case delivered, transient, permanent }
    var result: Result
    /// The server's reply (`550 5.1.1 …`), or curl's reason when the server gave none.
    var reply: String
    /// Set when, on a run's first connection, this failure means no message could get through
    /// (TLS, login, unreachable server): the run stops instead of trying every message.
    var setupProblem: String?
}

/// Buffers shared with curl's C callbacks during one `curl_easy_perform`.
private final class TransferContext {
    var body: [UInt8] = []
    var offset = 0
    /// Bytes of the server's replies, not yet split into lines.
    var pending: [UInt8] = []
    /// Lines of the reply being received (continuation lines `250-…`).
    var currentReply: [String] = []
    /// Complete replies received during this transfer, oldest first.
    var replies: [[String]] = []
    var bytesFromServer = 0
    /// Whether this transfer got as far as MAIL FROM, i.e. past greeting, EHLO, STARTTLS and AUTH.
    var sentMailFrom = false

    func reset(body: [UInt8]) {
        self.body = body; offset = 0; pending = []; currentReply = []; replies = []; bytesFromServer = 0
        sentMailFrom = false
    }

    func received(_ bytes: UnsafeBufferPointer<UInt8>) {
        bytesFromServer += bytes.count
        pending.append(contentsOf: bytes)
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = pending[..<newline]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            pending.removeSubrange(...newline)
            let text = String(decoding: line, as: UTF8.self)
            currentReply.append(text)
            // "250 text" ends a reply, "250-text" continues it.
            let chars = Array(text.utf8.prefix(4))
            if chars.count < 4 || chars[3] != UInt8(ascii: "-") {
                replies.append(currentReply)
                currentReply = []
            }
        }
    }
}

/// curl_read_callback: hands curl the next slice of the message.
private let readMessageBytes: curl_read_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return 0 }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    let n = min(size * count, context.body.count - context.offset)
    if n > 0 {
        context.body.withUnsafeBytes { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + context.offset, byteCount: n)
        }
        context.offset += n
    }
    return n
}

/// curl_debug_callback: keeps the server's reply lines. Of what we send (which includes AUTH) it only
/// notes whether MAIL FROM went out, and keeps none of it.
private let captureServerReplies: curl_debug_callback = { _, type, data, size, userdata in
    guard let data, let userdata else { return 0 }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    if type == CURLINFO_HEADER_IN {
        data.withMemoryRebound(to: UInt8.self, capacity: size) { context.received(UnsafeBufferPointer(start: $0, count: size)) }
    } else if type == CURLINFO_HEADER_OUT, size >= 9, strncasecmp(data, "MAIL FROM", 9) == 0 {
        context.sentMailFrom = true
    }
    return 0
}

let curlGlobalInit: CURLcode = ft_curl_global_init_all()

/// One libcurl easy handle, so one SMTP connection that curl keeps open between messages.
/// Used by one thread at a time.
final class CurlSMTPConnection {
    private let settings: ValidatedSMTPSettings
    private var handle: UnsafeMutableRawPointer?
    private let context = TransferContext()
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let errorBufferSize = ft_curl_error_size()

    init(settings: ValidatedSMTPSettings) throws(TransportSetupError) {
        self.settings = settings
        errorBuffer = .allocate(capacity: errorBufferSize)
        errorBuffer.initialize(repeating: 0, count: errorBufferSize)
        guard curlGlobalInit == CURLE_OK else {
            throw TransportSetupError("libcurl could not be initialised (\(String(cString: curl_easy_strerror(curlGlobalInit))))")
        }
        try openHandle()
    }

    deinit {
        closeHandle()
        errorBuffer.deallocate()
    }

    /// Closes the connection (curl sends QUIT) and sets up a fresh handle, so the next message reconnects.
    func reconnect() {
        closeHandle()
        try? openHandle()
    }

    private func closeHandle() {
        if let handle { curl_easy_cleanup(handle) }
        handle = nil
    }

    private func openHandle() throws(TransportSetupError) {
        guard let h = curl_easy_init() else { throw TransportSetupError("libcurl could not create a handle") }
        handle = h
        let s = settings.settings
        var rc = CURLE_OK
        func set(_ option: CURLoption, _ value: Int) { if rc == CURLE_OK { rc = ft_curl_setopt_long(h, option, value) } }
        func set(_ option: CURLoption, _ value: String) { if rc == CURLE_OK { rc = ft_curl_setopt_string(h, option, value) } }

        set(CURLOPT_NOSIGNAL, 1)  // we run several handles on threads
        set(CURLOPT_URL, settings.curlURL)
        set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        let useSSL: curl_usessl = switch s.tls {
        case .required: CURLUSESSL_ALL
        case .opportunistic: CURLUSESSL_TRY
        case .off: CURLUSESSL_NONE
        }
        set(CURLOPT_USE_SSL, Int(useSSL.rawValue))
        set(CURLOPT_SSL_VERIFYPEER, 1)
        set(CURLOPT_SSL_VERIFYHOST, 2)
        set(CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2))
        if let caFile = s.caFile { set(CURLOPT_CAINFO, caFile) }
        if let username = s.username, !username.isEmpty {
            set(CURLOPT_USERNAME, username)
            set(CURLOPT_PASSWORD, s.password?.reveal() ?? "")
        }
        set(CURLOPT_CONNECTTIMEOUT_MS, s.connectTimeout.milliseconds)
        set(CURLOPT_TIMEOUT_MS, s.messageTimeout.milliseconds)
        // A server that stops answering mid-message is cut off even if the total timeout is long.
        set(CURLOPT_LOW_SPEED_LIMIT, 1)
        set(CURLOPT_LOW_SPEED_TIME, max(1, s.messageTimeout.milliseconds / 1000))
        set(CURLOPT_UPLOAD, 1)
        if rc == CURLE_OK { rc = ft_curl_setopt_pointer(h, CURLOPT_ERRORBUFFER, errorBuffer) }
        let userdata = Unmanaged.passUnretained(context).toOpaque()
        if rc == CURLE_OK { rc = ft_curl_set_read_function(h, readMessageBytes, userdata) }
        if rc == CURLE_OK { rc = ft_curl_set_debug_function(h, captureServerReplies, userdata) }
        guard rc == CURLE_OK else {
            throw TransportSetupError("libcurl refused an SMTP option (\(String(cString: curl_easy_strerror(rc)))); is libcurl at least 7.85?")
        }
    }

    /// One try at one message; after any failure the connection is replaced.
    func send(data: [UInt8], from: String, to recipient: String) -> SMTPAttempt {
        guard let h = handle else {
            return SMTPAttempt(result: .transient, reply: "libcurl could not create a handle")
        }
        context.reset(body: data)
        errorBuffer[0] = 0
        var rc = ft_curl_setopt_string(h, CURLOPT_MAIL_FROM, "<\(from)>")
        let recipients = curl_slist_append(nil, "<\(recipient)>")
        defer { curl_slist_free_all(recipients) }
        if rc == CURLE_OK { rc = ft_curl_setopt_pointer(h, CURLOPT_MAIL_RCPT, recipients) }
        if rc == CURLE_OK { rc = ft_curl_setopt_off_t(h, CURLOPT_INFILESIZE_LARGE, curl_off_t(data.count)) }
        if rc == CURLE_OK { rc = curl_easy_perform(h) }
        // The list is freed on return; curl must not keep a pointer to it.
        _ = ft_curl_setopt_pointer(h, CURLOPT_MAIL_RCPT, nil)
        let attempt = classify(rc)
        if attempt.result != .delivered { reconnect() }
        return attempt
    }

    private func classify(_ rc: CURLcode) -> SMTPAttempt {
        if rc == CURLE_OK {
            return SMTPAttempt(result: .delivered, reply: context.replies.last.map(Self.format) ?? "250")
        }
        var code = 0
        if !context.replies.isEmpty, let h = handle { _ = ft_curl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &code) }
        // On failure curl closes the connection inside the transfer, so the last reply is often QUIT's
        // "221 Bye"; report the reply that carried the failing code instead.
        let failing = context.replies.last { code != 0 && $0.first?.hasPrefix("\(code)") == true }
        if failing == nil { code = 0 }  // a code left over from an earlier transfer on this handle
        let replyLines = failing ?? context.replies.last { $0.first?.hasPrefix("221") != true } ?? []
        let reply = Self.format(replyLines)
        let curlReason = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(rc))
        let detail = "\(curlReason) (curl error \(rc.rawValue))"
        let result: SMTPAttempt.Result = (500...599).contains(code) ? .permanent : .transient
        let describedReply = (400...599).contains(code) ? reply : (reply.isEmpty ? detail : "\(detail); last reply: \(reply)")
        return SMTPAttempt(result: result, reply: describedReply, setupProblem: setupProblem(rc, code: code, reply: reply, detail: detail))
    }

    /// Failures that would hit every message alike, worded for the person fixing the settings.
    private func setupProblem(_ rc: CURLcode, code: Int, reply: String, detail: String) -> String? {
        let s = settings.settings
        let replyOrDetail = reply.isEmpty ? detail : reply
        let silent = [CURLE_OPERATION_TIMEDOUT, CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_WEIRD_SERVER_REPLY].contains(rc)
        if silent && context.bytesFromServer == 0 {
            return rc == CURLE_OPERATION_TIMEDOUT
                ? "the server accepted the connection but did not greet within \(min(s.connectTimeout, s.messageTimeout).milliseconds) ms"
                : "the server closed the connection without greeting (\(detail))"
        }
        if code == 530 {
            return "the server requires authentication or STARTTLS before accepting mail (\(reply)); set username and password, and tls = \"required\""
        }
        switch rc {
        case CURLE_USE_SSL_FAILED:
            return "the server does not offer STARTTLS and tls = \"\(s.tls.rawValue)\""
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR:
            return "the server's TLS certificate could not be verified (\(detail)); if the relay uses a private CA, set caFile to its PEM bundle"
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND:
            return "the TLS handshake failed (\(detail))"
        case CURLE_LOGIN_DENIED:
            return "the server rejected the login for user \"\(s.username ?? "")\" (\(replyOrDetail)); check username and password"
        case CURLE_AUTH_ERROR:
            return "no authentication method in common with the server (\(detail))"
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST:
            return "cannot connect (\(detail)); check the host and port and that the relay is running"
        default:
            // Anything else that stops the session before MAIL FROM would stop every message the same way.
            return context.sentMailFrom ? nil : "the SMTP session could not be set up (\(reply.isEmpty ? detail : "\(reply); \(detail)"))"
        }
    }

    /// `250-a` / `250 b` → `250 a b`: one line, for logs and outcome files.
    static func format(_ lines: [String]) -> String {
        guard let first = lines.first else { return "" }
        if lines.count == 1 { return first }
        let code = String(first.prefix(3))
        return code + " " + lines.map { String($0.dropFirst(4)) }.joined(separator: " ")
    }
}

extension Duration {
    var milliseconds: Int {
        let c = components
        return Int(c.seconds) * 1000 + Int(c.attoseconds / 1_000_000_000_000_000)
    }
    var timeInterval: TimeInterval {
        let c = components
        return TimeInterval(c.seconds) + TimeInterval(c.attoseconds) * 1e-18
    }
}
