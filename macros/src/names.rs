//! Type-level names: `headline` becomes `::dorm::names::Name<'h', 'e', 'a', ...>`.

use proc_macro2::TokenStream;
use quote::quote;

/// Must match `dorm::names::MAX_NAME_LEN`.
pub const MAX_NAME_LEN: usize = 48;

pub fn name_type(name: &str) -> TokenStream {
    let chars = name.chars().map(|c| quote!(#c));
    quote!(::dorm::names::Name<#(#chars),*>)
}
