import Foundation

/// Work started on a thread of its own, its result taken once it is needed (`value()` waits for it).
final class Parallel<Value: Sendable, Failure: Error>: @unchecked Sendable {
    private var result: Result<Value, Failure>?
    /// Let go before the work is signalled done: the thread may outlive it a moment, and what the work captured (a
    /// part's builder, sharing tables that are checked to be held once) must not.
    private var work: (@Sendable () throws(Failure) -> Value)?
    private let done = DispatchSemaphore(value: 0)

    /// `stackSize`: the thread's stack in bytes, when the platform's default is not wanted.
    init(stackSize: Int? = nil, _ work: @escaping @Sendable () throws(Failure) -> Value) {
        self.work = work
        let thread = Thread { [self] in
            result = Result(catching: self.work!)
            self.work = nil
            done.signal()
        }
        if let stackSize { thread.stackSize = stackSize }
        thread.start()
    }

    /// The work's value, or its error; waits until it is done. Called once (the semaphore orders the accesses): the
    /// value is handed over, not kept (the thread's object may outlive the work, and a copy kept here would make the
    /// receiver's first write to a shared table copy it).
    func value() throws(Failure) -> Value {
        done.wait()
        return try result.take()!.get()
    }
}
