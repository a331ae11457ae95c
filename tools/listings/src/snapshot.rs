//! Step 6: listings as `insta` snapshots.

/// Checks a [`Listing`](crate::Listing) against its snapshot
/// `tests/snapshots/<package>__asm__<name>.snap`.
///
/// The snapshot's header records the function, the compiler and the flags; its body is exactly
/// what the book shows. Use it in a chapter's tests:
///
/// ```no_run
/// let listing = listings::asm(env!("CARGO_PKG_NAME"), "noop", &Default::default()).unwrap();
/// listings::assert_asm_snapshot!("noop", listing);
/// ```
#[macro_export]
macro_rules! assert_asm_snapshot {
    ($name:expr, $listing:expr $(,)?) => {{
        let listing: &$crate::Listing = &$listing;
        let mut settings = $crate::insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.set_description(listing.provenance.clone());
        settings.bind(|| {
            $crate::insta::assert_snapshot!(format!("{}__asm__{}", env!("CARGO_PKG_NAME"), $name), listing.to_string());
        });
    }};
}
