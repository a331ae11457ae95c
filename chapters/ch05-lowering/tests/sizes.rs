//! Every size the chapter states, measured with `size_of_val` on the pinned compiler (the
//! layouts are decided in MIR, before LLVM, so they are the same at every opt-level).

use ch05_lowering::*;

#[test]
fn hello_worlds_future_is_two_bytes_its_tag_and_the_dummy_future() {
    assert_eq!(size_of_val(&hello_world()), 2);
    assert_eq!(size_of::<DummyFuture>(), 1);
    assert_eq!(size_of::<YieldOnce>(), 1);
}

#[test]
fn two_suspension_points_is_forty_bytes_with_its_u64_argument_stored_twice() {
    assert_eq!(size_of_val(&two_suspension_points(5)), 40);
    assert_eq!(align_of_val(&two_suspension_points(5)), 8);
}

#[test]
fn a_kilobyte_held_across_an_await_makes_a_1026_byte_future() {
    assert_eq!(size_of_val(&buffer_held_across_await()), 1026);
}

#[test]
fn a_kilobyte_in_a_block_that_ends_before_the_await_leaves_a_3_byte_future() {
    assert_eq!(size_of_val(&buffer_in_block_before_await()), 3);
}

#[test]
fn a_kilobyte_borrowed_then_dropped_before_the_await_still_makes_a_1027_byte_future() {
    assert_eq!(size_of_val(&buffer_borrowed_then_dropped_before_await()), 1027);
}

#[test]
fn a_kilobyte_read_without_a_borrow_before_the_await_leaves_a_3_byte_future() {
    assert_eq!(size_of_val(&buffer_read_without_borrow_before_await()), 3);
}

#[test]
fn two_1026_byte_awaits_in_sequence_make_a_1028_byte_future_not_2052() {
    assert_eq!(size_of_val(&buffer_held_across_await()), 1026);
    assert_eq!(size_of_val(&two_big_awaits_in_sequence()), 1028);
}

#[test]
fn a_byte_and_a_word_across_one_await_make_a_16_byte_future_not_24() {
    assert_eq!(size_of_val(&a_byte_and_a_word_across_one_await()), 16);
    assert_eq!(align_of_val(&a_byte_and_a_word_across_one_await()), 8);
}

#[test]
fn a_kilobyte_argument_used_after_an_await_makes_a_2050_byte_future() {
    assert_eq!(size_of_val(&argument_counted_twice([0; 1024])), 2050);
}

#[test]
fn a_boxed_future_is_two_words_whatever_its_size() {
    assert_eq!(size_of_val(&boxed_argument_counted_twice([0; 1024])), 16);
}
