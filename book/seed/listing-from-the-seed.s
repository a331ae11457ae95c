core::pin::Pin<&mut T>::map_unchecked_mut:
        mov     rax, rdi
        ret

core::ptr::drop_in_place<core::pin::Pin<alloc::boxed::Box<core::future::from_generator::GenFuture<example::hello_world::{{closure}}>>>>:
        mov     rdi, qword ptr [rdi]
        push    2
        pop     rsi
        push    1
        pop     rdx
        jmp     qword ptr [rip + __rust_dealloc@GOTPCREL]

core::ptr::drop_in_place<core::task::wake::Waker>:
        mov     rax, qword ptr [rdi]
        mov     rcx, qword ptr [rdi + 8]
        mov     rdi, rax
        jmp     qword ptr [rcx + 24]

<T as core::convert::From<T>>::from:
        ret

<T as core::convert::Into<U>>::into:
        mov     rax, rdi
        ret

<T as core::convert::Into<U>>::into:
        mov     rax, rdi
        ret

<&mut T as core::ops::deref::Deref>::deref:
        mov     rax, qword ptr [rdi]
        ret

alloc::boxed::<impl core::convert::From<alloc::boxed::Box<T,A>> for core::pin::Pin<alloc::boxed::Box<T,A>>>::from:
        mov     rax, rdi
        ret

alloc::boxed::Box<T,A>::into_pin:
        mov     rax, rdi
        ret

<core::pin::Pin<P> as core::ops::deref::Deref>::deref:
        mov     rax, qword ptr [rdi]
        ret

<alloc::boxed::Box<T,A> as core::ops::deref::DerefMut>::deref_mut:
        mov     rax, qword ptr [rdi]
        ret

<core::future::from_generator::GenFuture<T> as core::future::future::Future>::poll:
        push    r14
        push    rbx
        sub     rsp, 56
        mov     r14, rdi
        movzx   eax, byte ptr [rdi]

        # Look up in the jump table where the function should return.
        lea     rcx, [rip + .LJTI11_0]
        movsxd  rax, dword ptr [rcx + 4*rax]
        add     rax, rcx
        jmp     rax
.LBB11_1:
        mov     byte ptr [r14 + 1], 0

# This corresponds to fut.await in the source code. You can see that a poll call is inserted here.
.LBB11_2:
        lea     rdi, [r14 + 1]
        call    qword ptr [rip + <example::DummyFuture as core::future::future::Future>::poll@GOTPCREL]
        mov     ebx, eax
        mov     al, 3
        test    bl, 1

        # If the poll function returns `Poll::Ready`, then continue execution following the await.
        jne     .LBB11_5
        lea     rax, [rip + .L__unnamed_1]
        lea     rdi, [rsp + 8]
        mov     qword ptr [rdi], rax
        mov     qword ptr [rdi + 8], 1
        and     qword ptr [rdi + 16], 0
        lea     rax, [rip + .L__unnamed_2]
        mov     qword ptr [rdi + 32], rax
        and     qword ptr [rdi + 40], 0
        call    qword ptr [rip + std::io::stdio::_print@GOTPCREL]
        mov     al, 1
.LBB11_5:
        and     bl, 1
        mov     byte ptr [r14], al
        mov     eax, ebx
        add     rsp, 56
        pop     rbx
        pop     r14
        ret
.LBB11_6:
        lea     rdi, [rip + str.1]
        lea     rdx, [rip + .L__unnamed_3]
        push    35
        jmp     .LBB11_8
.LBB11_7:
        lea     rdi, [rip + str.0]
        lea     rdx, [rip + .L__unnamed_3]
        push    34
.LBB11_8:
        pop     rsi
        call    qword ptr [rip + core::panicking::panic@GOTPCREL]
        ud2
        mov     byte ptr [r14], 2
        mov     rdi, rax
        call    _Unwind_Resume@PLT
        ud2
.LJTI11_0:
        .long   .LBB11_1-.LJTI11_0
        .long   .LBB11_6-.LJTI11_0
        .long   .LBB11_7-.LJTI11_0
        .long   .LBB11_2-.LJTI11_0

example::noop_clone:
        lea     rdx, [rip + .L__unnamed_4]
        xor     eax, eax
        ret

example::noop:
        ret

example::noop_raw_waker:
        lea     rdx, [rip + .L__unnamed_4]
        xor     eax, eax
        ret

<example::DummyFuture as core::future::future::Future>::poll:
        mov     al, byte ptr [rdi]
        cmp     al, 1
        je      .LBB15_2
        lea     ecx, [rax + 1]
        mov     byte ptr [rdi], cl
.LBB15_2:
        cmp     al, 1
        setne   al
        mov     dl, 11
        ret

example::main:
        push    rbx
        sub     rsp, 80
        lea     rax, [rsp + 16]
        and     qword ptr [rax], 0
        lea     rcx, [rip + .L__unnamed_4]
        mov     qword ptr [rax + 8], rcx
        mov     qword ptr [rsp], rax
        push    2
        pop     rdi
        push    1
        pop     rsi
        call    qword ptr [rip + __rust_alloc@GOTPCREL]
        test    rax, rax
        je      .LBB16_9
        mov     rbx, rax
        and     word ptr [rax], 0
        mov     qword ptr [rsp + 8], rax
        mov     rsi, rsp
        mov     rdi, rax
        call    qword ptr [rip + <core::future::from_generator::GenFuture<T> as core::future::future::Future>::poll@GOTPCREL]
        test    al, al
        jne     .LBB16_4
        lea     rax, [rip + .L__unnamed_5]
        lea     rdi, [rsp + 32]
        mov     qword ptr [rdi], rax
        mov     qword ptr [rdi + 8], 1
        and     qword ptr [rdi + 16], 0
        lea     rax, [rip + .L__unnamed_2]
        mov     qword ptr [rdi + 32], rax
        and     qword ptr [rdi + 40], 0
        call    qword ptr [rip + std::io::stdio::_print@GOTPCREL]
.LBB16_4:
        mov     rsi, rsp
        mov     rdi, rbx
        call    qword ptr [rip + <core::future::from_generator::GenFuture<T> as core::future::future::Future>::poll@GOTPCREL]
        test    al, al
        jne     .LBB16_7
        lea     rax, [rip + .L__unnamed_6]
        lea     rdi, [rsp + 32]
        mov     qword ptr [rdi], rax
        mov     qword ptr [rdi + 8], 1
        and     qword ptr [rdi + 16], 0
        lea     rax, [rip + .L__unnamed_2]
        mov     qword ptr [rdi + 32], rax
        and     qword ptr [rdi + 40], 0
        call    qword ptr [rip + std::io::stdio::_print@GOTPCREL]
.LBB16_7:
        lea     rdi, [rsp + 8]
        call    core::ptr::drop_in_place<core::pin::Pin<alloc::boxed::Box<core::future::from_generator::GenFuture<example::hello_world::{{closure}}>>>>
        mov     rdi, qword ptr [rsp + 16]
        mov     rax, qword ptr [rsp + 24]
        call    qword ptr [rax + 24]
        add     rsp, 80
        pop     rbx
        ret
.LBB16_9:
        push    2
        pop     rdi
        push    1
        pop     rsi
        call    qword ptr [rip + alloc::alloc::handle_alloc_error@GOTPCREL]
        ud2
        mov     rbx, rax
        lea     rdi, [rsp + 8]
        call    core::ptr::drop_in_place<core::pin::Pin<alloc::boxed::Box<core::future::from_generator::GenFuture<example::hello_world::{{closure}}>>>>
        lea     rdi, [rsp + 16]
        call    core::ptr::drop_in_place<core::task::wake::Waker>
        mov     rdi, rbx
        call    _Unwind_Resume@PLT
        ud2

.L__unnamed_2:

.L__unnamed_4:
        .quad   example::noop_clone
        .quad   example::noop
        .quad   example::noop
        .quad   example::noop

.L__unnamed_7:
        .ascii  "/app/example.rs"

.L__unnamed_3:
        .quad   .L__unnamed_7
        .asciz  "\017\000\000\000\000\000\000\000*\000\000\000\030\000\000"

str.0:
        .ascii  "`async fn` resumed after panicking"

str.1:
        .ascii  "`async fn` resumed after completion"

.L__unnamed_8:
        .ascii  "hello, world!\n"

.L__unnamed_1:
        .quad   .L__unnamed_8
        .asciz  "\016\000\000\000\000\000\000"

.L__unnamed_9:
        .ascii  "Completed on first poll!\n"

.L__unnamed_5:
        .quad   .L__unnamed_9
        .asciz  "\031\000\000\000\000\000\000"

.L__unnamed_10:
        .ascii  "Completed on second poll!\n"

.L__unnamed_6:
        .quad   .L__unnamed_10
        .asciz  "\032\000\000\000\000\000\000"

DW.ref.rust_eh_personality:
        .quad   rust_eh_personality
