//! Type-level names: `headline` becomes `(::dorm::names::C<'h'>, ::dorm::names::C<'e'>, ...)`.

use proc_macro2::TokenStream;
use quote::quote;

pub fn name_type(name: &str) -> TokenStream {
    let chars = name.chars().map(|c| quote!(::dorm::names::C<#c>));
    quote!((#(#chars,)*))
}
