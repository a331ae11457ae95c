//! What the saved locals decide: a future is `Send` when everything it saves is. The futures that
//! save an `Rc` are refused by the page's `compile_fail` examples; here, the one that does not
//! save it goes to another thread.

use futures::executor::block_on;

use ch07_cancellation::rc_dropped_in_a_block_before_await;

fn is_send<T: Send>(_: &T) {}

#[test]
fn an_rc_dropped_in_a_block_before_the_await_leaves_a_future_that_can_move_to_another_thread() {
    let future = rc_dropped_in_a_block_before_await();
    is_send(&future);
    let on_another_thread = std::thread::spawn(move || block_on(future));
    assert_eq!(on_another_thread.join().unwrap(), 7);
}
