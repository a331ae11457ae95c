// Chapter 9's C++ workload: chapter 8's `three_awaits` coroutine (three_awaits.cpp, included
// whole, so that the coroutine is compiled as chapter 8's listing shows it) resumed a given
// number of times, for callgrind to count inside its resumes, as the Rust workloads count
// inside a future's `poll`. `examples/measure.rs` builds it with the pinned g++ and the
// listings' flags.
//
//   resume_three_awaits run RESUMES RUNS   a warm-up, `start_counting`, then RUNS coroutines,
//                                          each made, resumed RESUMES times and destroyed
//   resume_three_awaits frame              the bytes `operator new` is asked for the frame
#include "../../ch08-machine-code/cpp/three_awaits.cpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

// Every allocation goes through here, so the frame's size is the size asked for.
static std::size_t last_allocation = 0;

void* operator new(std::size_t size) {
    last_allocation = size;
    if (void* memory = std::malloc(size)) {
        return memory;
    }
    std::abort();
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }

// callgrind discards every count made before the program first enters this function
// (`--zero-before`), as the Rust workloads' `start_counting`.
__attribute__((noinline)) void start_counting() { asm volatile(""); }

// ANCHOR: resume
// One resume, out of line: callgrind counts inside this function (`--toggle-collect`), which is
// a jump through the frame's resume pointer into the coroutine's actor. Destroying the frame also
// runs the actor, and is not counted: it happens outside this function.
__attribute__((noinline)) void resume_once(std::coroutine_handle<> handle) { handle.resume(); }

// One unit of work: a coroutine made (its frame allocated), resumed `resumes` times, destroyed.
// The seed goes through an empty asm statement, as `black_box` in the Rust workloads, so that the
// compiler cannot compute the coroutine's result in advance.
__attribute__((noinline)) static void resume_times(int resumes) {
    std::uint64_t seed = 5;
    asm volatile("" : "+r"(seed));
    Task task = three_awaits(seed);
    for (int i = 0; i < resumes; ++i) {
        resume_once(task.handle);
    }
    std::uint64_t value = task.handle.promise().value;
    asm volatile("" : : "r"(value));
    task.handle.destroy();
}
// ANCHOR_END: resume

int main(int argc, char** argv) {
    if (argc == 2 && std::strcmp(argv[1], "frame") == 0) {
        resume_times(0);
        std::printf("%zu\n", last_allocation);
        return 0;
    }
    if (argc == 4 && std::strcmp(argv[1], "run") == 0) {
        int resumes = std::atoi(argv[2]);
        int runs = std::atoi(argv[3]);
        if (resumes < 0 || resumes > 4 || runs < 1) {
            std::fprintf(stderr, "RESUMES must be 0 to 4 and RUNS at least 1\n");
            return 2;
        }
        resume_times(resumes);
        start_counting();
        for (int run = 0; run < runs; ++run) {
            resume_times(resumes);
        }
        return 0;
    }
    std::fprintf(stderr, "usage: resume_three_awaits run RESUMES RUNS | frame\n");
    return 2;
}
