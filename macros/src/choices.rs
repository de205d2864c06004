//! `#[derive(Choices)]`: an enum of unit variants, each `#[choice("stored", "Label")]`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, LitStr};

pub fn expand(input: DeriveInput) -> syn::Result<TokenStream> {
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "Choices can only be derived for an enum of unit variants",
        ));
    };
    let ident = &input.ident;
    let mut variants = Vec::new();
    let mut values = Vec::new();
    let mut labels = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, syn::Fields::Unit) {
            return Err(syn::Error::new(
                v.span(),
                "each choice must be a unit variant",
            ));
        }
        let attr = v
            .attrs
            .iter()
            .find(|a| a.path().is_ident("choice"))
            .ok_or_else(|| {
                syn::Error::new(
                    v.span(),
                    format!(
                        "add `#[choice(\"stored value\", \"Label\")]` to `{}`",
                        v.ident
                    ),
                )
            })?;
        let (value, label) = attr.parse_args_with(|input: syn::parse::ParseStream| {
            let value: LitStr = input.parse()?;
            let label = if input.is_empty() {
                value.clone()
            } else {
                input.parse::<syn::Token![,]>()?;
                input.parse::<LitStr>()?
            };
            Ok((value, label))
        })?;
        if values.iter().any(|v: &LitStr| v.value() == value.value()) {
            return Err(syn::Error::new(
                value.span(),
                "this stored value is used by another choice",
            ));
        }
        variants.push(v.ident.clone());
        values.push(value);
        labels.push(label);
    }
    if variants.is_empty() {
        return Err(syn::Error::new(
            ident.span(),
            "a Choices enum needs at least one variant",
        ));
    }
    let first = &variants[0];
    let (impl_g, ty_g, where_g) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_g ::dorm::Choices for #ident #ty_g #where_g {
            const CHOICES: &'static [(&'static str, &'static str)] = &[#((#values, #labels)),*];
            fn value(self) -> &'static str {
                match self { #(Self::#variants => #values,)* }
            }
            fn label(self) -> &'static str {
                match self { #(Self::#variants => #labels,)* }
            }
            fn from_value(value: &str) -> ::core::option::Option<Self> {
                match value { #(#values => ::core::option::Option::Some(Self::#variants),)* _ => ::core::option::Option::None }
            }
        }

        impl #ident {
            /// The first choice: a new instance's value when the field declares no default.
            #[doc(hidden)]
            pub const __DORM_FIRST: Self = Self::#first;
            /// The variant stored as `value`, in a `const` context (used to check defaults).
            #[doc(hidden)]
            pub const fn __dorm_from_value(value: &str) -> ::core::option::Option<Self> {
                #(if ::dorm::fields::__const_str_eq(value, #values) { return ::core::option::Option::Some(Self::#variants); })*
                ::core::option::Option::None
            }
        }

        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(::dorm::Choices::label(*self))
            }
        }

        const _: () = {
            use ::dorm::__private::diesel;
            use diesel::backend::Backend;
            use diesel::sql_types::{Nullable, Text};
            use diesel::internal::derives::as_expression::Bound;

            impl<__DB: Backend> diesel::serialize::ToSql<Text, __DB> for #ident
            where
                str: diesel::serialize::ToSql<Text, __DB>,
            {
                fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, __DB>) -> diesel::serialize::Result {
                    <str as diesel::serialize::ToSql<Text, __DB>>::to_sql(::dorm::Choices::value(*self), out)
                }
            }
            impl<__DB: Backend> diesel::serialize::ToSql<Nullable<Text>, __DB> for #ident
            where
                str: diesel::serialize::ToSql<Text, __DB>,
            {
                fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, __DB>) -> diesel::serialize::Result {
                    <str as diesel::serialize::ToSql<Text, __DB>>::to_sql(::dorm::Choices::value(*self), out)
                }
            }
            impl<__DB: Backend> diesel::deserialize::FromSql<Text, __DB> for #ident
            where
                String: diesel::deserialize::FromSql<Text, __DB>,
            {
                fn from_sql(bytes: <__DB as Backend>::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                    let value = <String as diesel::deserialize::FromSql<Text, __DB>>::from_sql(bytes)?;
                    <Self as ::dorm::Choices>::from_value(&value).ok_or_else(|| {
                        format!("Value {:?} is not a valid choice of {}", value, stringify!(#ident)).into()
                    })
                }
            }
            impl<__DB, __ST> diesel::deserialize::Queryable<__ST, __DB> for #ident
            where
                __DB: Backend,
                __ST: diesel::sql_types::SingleValue,
                Self: diesel::deserialize::FromSql<__ST, __DB>,
            {
                type Row = Self;
                fn build(row: Self) -> diesel::deserialize::Result<Self> {
                    ::core::result::Result::Ok(row)
                }
            }
            impl diesel::expression::AsExpression<Text> for #ident {
                type Expression = Bound<Text, Self>;
                fn as_expression(self) -> Self::Expression { Bound::new(self) }
            }
            impl<'a> diesel::expression::AsExpression<Text> for &'a #ident {
                type Expression = Bound<Text, Self>;
                fn as_expression(self) -> Self::Expression { Bound::new(self) }
            }
            impl diesel::expression::AsExpression<Nullable<Text>> for #ident {
                type Expression = Bound<Nullable<Text>, Self>;
                fn as_expression(self) -> Self::Expression { Bound::new(self) }
            }
            impl<'a> diesel::expression::AsExpression<Nullable<Text>> for &'a #ident {
                type Expression = Bound<Nullable<Text>, Self>;
                fn as_expression(self) -> Self::Expression { Bound::new(self) }
            }
            ::dorm::__dorm_sql_values!([] Text => #ident);
            ::dorm::__dorm_plain_values!(#ident);
        };
    })
}
