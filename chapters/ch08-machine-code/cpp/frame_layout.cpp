// Measures the coroutine frame of `three_awaits` (three_awaits.cpp, included whole so that the
// frame is the one the listing shows) at run time, and prints where each part of it lies.
// `tests/cpp_coroutine.rs` compiles it with the pinned g++ and the listing's flags, runs it, and
// holds what it prints to the listing.
#include "three_awaits.cpp"

#include <cstdio>
#include <cstring>
#include <new>

// Every allocation goes through here, so the frame's size is the size `operator new` is asked for.
// The memory is zeroed, so that the bytes of the frame nobody writes read as 0.
static std::size_t last_allocation = 0;
static void* last_freed = nullptr;

void* operator new(std::size_t size) {
    last_allocation = size;
    if (void* memory = std::calloc(1, size)) {
        return memory;
    }
    std::abort();
}
void operator delete(void* memory) noexcept {
    last_freed = memory;
    std::free(memory);
}
void operator delete(void* memory, std::size_t) noexcept {
    last_freed = memory;
    std::free(memory);
}

static constexpr std::size_t most = 256;

// A copy of the frame's bytes.
struct Bytes {
    unsigned char at[most];
};

static Bytes snapshot(const void* frame, std::size_t size) {
    Bytes bytes{};
    std::memcpy(bytes.at, frame, size);
    return bytes;
}

static std::uint16_t u16_at(const Bytes& bytes, std::size_t offset) {
    std::uint16_t value;
    std::memcpy(&value, bytes.at + offset, sizeof value);
    return value;
}

static std::uint64_t u64_at(const Bytes& bytes, std::size_t offset) {
    std::uint64_t value;
    std::memcpy(&value, bytes.at + offset, sizeof value);
    return value;
}

// The offset of the first 8-byte-aligned word equal to `value`, or `size` if none.
static std::size_t find_word(const Bytes& bytes, std::size_t size, std::uint64_t value) {
    for (std::size_t offset = 0; offset + 8 <= size; offset += 8) {
        if (u64_at(bytes, offset) == value) {
            return offset;
        }
    }
    return size;
}

int main() {
    const std::uint64_t seed = 5;
    Task task = three_awaits(seed);
    const std::size_t size = last_allocation;
    void* frame = task.handle.address();
    std::printf("frame bytes: %zu\n", size);
    if (size > most) {
        return 1;
    }

    // The first two words are function pointers: calling the first one with the frame resumes
    // the coroutine, calling the second one destroys it. Every resumption below goes through the
    // first word, never through `handle.resume()`, to show that this is all resume() does.
    using Function = void (*)(void*);
    Function words[2];
    std::memcpy(words, frame, sizeof words);

    // Snapshots before the first resumption and after each one, until `co_return`.
    Bytes states[5];
    int taken = 0;
    states[taken++] = snapshot(frame, size);
    while (!task.handle.done() && taken < 5) {
        Function resume;
        std::memcpy(&resume, frame, sizeof resume);
        resume(frame);
        states[taken++] = snapshot(frame, size);
    }
    std::printf("resumptions until done: %d\n", taken - 1);
    std::printf("resume pointer after co_return: %s\n", u64_at(states[taken - 1], 0) == 0 ? "null" : "kept");
    std::printf("destroy pointer at: 8 (%s)\n", u64_at(states[0], 8) == reinterpret_cast<std::uintptr_t>(words[1]) ? "unchanged" : "changed");

    // The resume index: the 2-byte field that takes a new value at every suspension.
    for (std::size_t offset = 16; offset + 2 <= size; offset += 2) {
        bool changes = true;
        for (int i = 1; i < taken; ++i) {
            changes = changes && u16_at(states[i], offset) != u16_at(states[i - 1], offset);
        }
        if (changes) {
            std::printf("resume index at: %zu, values:", offset);
            for (int i = 0; i < taken; ++i) {
                std::printf(" %u", u16_at(states[i], offset));
            }
            std::printf("\n");
        }
    }

    const std::size_t promise =
        static_cast<std::size_t>(reinterpret_cast<char*>(&task.handle.promise()) - static_cast<char*>(frame));
    std::printf("promise at: %zu\n", promise);
    std::printf("value returned: %llu\n", static_cast<unsigned long long>(task.handle.promise().value));

    const std::uint64_t kept = seed * 0x9E3779B97F4A7C15u;
    const std::uint64_t middle = (kept << 7) | (kept >> 57);
    std::printf("seed at: %zu\n", find_word(states[1], size, seed));
    std::printf("kept at: %zu\n", find_word(states[2], size, kept));
    std::printf("middle at: %zu\n", find_word(states[3], size, middle));

    words[1](frame);
    std::printf("destroy frees the frame: %s\n", last_freed == frame ? "yes" : "no");
    return 0;
}
