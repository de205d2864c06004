//! Abstract base models: `#[abstract_model]` turns a struct into a macro that adds its fields
//! to other structs, and `#[extends(Base)]` calls it (Django's `Meta.abstract = True`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Fields, ItemStruct};

pub fn abstract_model(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if !attr.is_empty() {
        return Err(syn::Error::new_spanned(
            attr,
            "#[abstract_model] takes no arguments",
        ));
    }
    let item: ItemStruct = syn::parse2(item)?;
    let Fields::Named(named) = &item.fields else {
        return Err(syn::Error::new_spanned(
            &item.ident,
            "an abstract model has named fields",
        ));
    };
    let ident = &item.ident;
    let fields = named.named.iter();
    let macro_name = format_ident!("__dorm_abstract_{}", ident);
    let vis = &item.vis;
    let doc = format!(
        "Abstract base model `{ident}`: `#[dorm::extends({ident})]` adds its fields to a model."
    );
    Ok(quote! {
        #[doc = #doc]
        #[allow(dead_code)]
        #vis struct #ident;

        #[doc(hidden)]
        #[macro_export]
        macro_rules! #macro_name {
            // The base's fields go after the model's first field (its primary key), where
            // Django puts an abstract parent's fields.
            ({ $(#[$m:meta])* $v:vis struct $name:ident {
                $(#[$fm:meta])* $fv:vis $first:ident : $fty:ty $(, $($body:tt)*)?
            } }) => {
                $(#[$m])* $v struct $name { $(#[$fm])* $fv $first: $fty, #(#fields,)* $($($body)*)? }
            };
        }
    })
}

pub fn extends(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let base: syn::Path = syn::parse2(attr)?;
    let last = base
        .segments
        .last()
        .ok_or_else(|| syn::Error::new_spanned(&base, "name the abstract model"))?;
    let macro_name = format_ident!("__dorm_abstract_{}", last.ident);
    Ok(quote! {
        #macro_name! { { #item } }
    })
}
