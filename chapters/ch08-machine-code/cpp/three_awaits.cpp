// Chapter 8's appendix: `three_awaits` as a C++20 coroutine, for g++ 12. The listing tool
// compiles this file alone (`tools/listings/src/cpp/`); `frame_layout.cpp` includes it and
// measures the coroutine frame at run time.
#include <coroutine>
#include <cstdint>
#include <cstdlib>

// ANCHOR: task
// The coroutine's return type. Its promise decides what the coroutine does at its start and
// end: it suspends before running any of the body (as a Rust future does until its first poll)
// and after `co_return`, so that the caller can read the value before destroying the frame.
struct Task {
    struct promise_type {
        // A constructor of its own. The standard ([dcl.fct.def.coroutine]/5) passes the
        // coroutine's arguments to the promise only if overload resolution finds a viable
        // constructor for them, and otherwise value-initialises it; g++ 12 also builds an
        // aggregate promise from them (parenthesised aggregate initialisation, P0960), which
        // would set `value` to `seed`. With this constructor both agree: the ramp stores 0.
        promise_type() = default;
        std::uint64_t value = 0;
        Task get_return_object() { return Task{std::coroutine_handle<promise_type>::from_promise(*this)}; }
        std::suspend_always initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }
        void return_value(std::uint64_t output) noexcept { value = output; }
        void unhandled_exception() noexcept { std::abort(); }
    };
    std::coroutine_handle<promise_type> handle;
};

// Suspends once per `co_await`: Rust's `YieldOnce`, without the waker (whoever holds the
// handle resumes it).
struct YieldOnce {
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) const noexcept {}
    void await_resume() const noexcept {}
};
// ANCHOR_END: task

// ANCHOR: three_awaits
Task three_awaits(std::uint64_t seed) {
    co_await YieldOnce{};
    std::uint64_t kept = seed * 0x9E3779B97F4A7C15u;
    co_await YieldOnce{};
    std::uint64_t middle = (kept << 7) | (kept >> 57);
    co_await YieldOnce{};
    co_return kept ^ middle;
}
// ANCHOR_END: three_awaits
