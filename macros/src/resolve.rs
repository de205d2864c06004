//! The names a macro call uses, written as method calls rustc resolves against the QuerySet's
//! names struct (see `dorm::names::resolve`), each with the span of the user's key: an unknown
//! name is rustc's own error at the user's token, with its similar-name suggestion.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

/// One path of names (`blog__name__icontains` as `["blog", "name", "icontains"]`, lookups
/// and transforms included: each kind of field has only its own), and the span of the user's
/// key.
pub(crate) struct NamePath {
    pub(crate) parts: Vec<String>,
    pub(crate) span: Span,
    /// A relation path for `select_related!`/`prefetch_related!`: the verb called after each
    /// part, which only the relations it may follow have.
    pub(crate) verb: Option<&'static str>,
    /// What the path's end is checked against besides its names.
    pub(crate) then: Then,
}

/// A check after the names of a path, where the kind the path ends at is known.
pub(crate) enum Then {
    /// Names only.
    Nothing,
    /// The value of `key = value` (its tokens, which only borrow what they name: see
    /// [`simple_value`]); the lookup is the path's last part, or `exact`.
    Value(TokenStream),
    /// A function over the path that takes only some kinds of field (`Sum`, `Extract`...): the
    /// path of the check in `dorm::names` that says which, spanned at the function's name.
    Function(TokenStream),
}

impl NamePath {
    pub(crate) fn new(parts: Vec<String>, span: Span) -> Self {
        NamePath {
            parts,
            span,
            verb: None,
            then: Then::Nothing,
        }
    }

    /// A path of relations that `verb!` follows.
    pub(crate) fn relations(parts: Vec<String>, span: Span, verb: &'static str) -> Self {
        NamePath {
            parts,
            span,
            verb: Some(verb),
            then: Then::Nothing,
        }
    }

    /// The path of `key = value`, with the value checked when it is a [`simple_value`].
    pub(crate) fn with_value(parts: Vec<String>, span: Span, value: &syn::Expr) -> Self {
        let then = if simple_value(value) {
            let value_span = syn::spanned::Spanned::span(value);
            Then::Value(quote_spanned!(value_span=> #value))
        } else {
            Then::Nothing
        };
        NamePath {
            parts,
            span,
            verb: None,
            then,
        }
    }

    /// The path a function (`Sum`, `Avg`, `Extract`, `TruncHour`...) reads first, with the
    /// function checked against the field's kind when it takes only some kinds.
    pub(crate) fn argument_of(parts: Vec<String>, span: Span, function: &syn::Ident) -> Self {
        let name = function.to_string();
        let fspan = function.span();
        let then = match name.as_str() {
            "Sum" | "Avg" | "Max" | "Min" | "StdDev" | "Variance" => {
                let marker = syn::Ident::new(&format!("{name}Fn"), fspan);
                Then::Function(
                    quote_spanned!(fspan=> ::dorm::names::aggregate::<::dorm::aggregates::#marker, _>),
                )
            }
            "ExtractHour" | "ExtractMinute" | "ExtractSecond" => Then::Function(
                quote_spanned!(fspan=> ::dorm::names::TimeOfDayInputFor::time_of_day_input),
            ),
            "TruncHour" | "TruncMinute" | "TruncSecond" | "TruncDate" => Then::Function(
                quote_spanned!(fspan=> ::dorm::names::DateTimeInputFor::datetime_input),
            ),
            n if n.starts_with("Extract") || n.starts_with("Trunc") => {
                Then::Function(quote_spanned!(fspan=> ::dorm::names::DateInputFor::date_input))
            }
            _ => Then::Nothing,
        };
        NamePath {
            parts,
            span,
            verb: None,
            then,
        }
    }
}

/// The check of a field read by arithmetic operator `op` (`F(name) + 1`): the operator takes
/// numbers (decimals only add and subtract). `None` for an operator that is not arithmetic.
pub(crate) fn arithmetic_check(op: &syn::BinOp) -> Option<TokenStream> {
    let span = syn::spanned::Spanned::span(op);
    Some(match op {
        syn::BinOp::Add(_) => quote_spanned!(span=> ::dorm::names::AddInputFor::add_input),
        syn::BinOp::Sub(_) => quote_spanned!(span=> ::dorm::names::SubInputFor::sub_input),
        syn::BinOp::Mul(_) => quote_spanned!(span=> ::dorm::names::MulInputFor::mul_input),
        syn::BinOp::Div(_) => quote_spanned!(span=> ::dorm::names::DivInputFor::div_input),
        _ => return None,
    })
}

impl NamePath {
    /// A path read by arithmetic, checked by `check` (see [`arithmetic_check`]).
    pub(crate) fn in_arithmetic(parts: Vec<String>, span: Span, check: TokenStream) -> Self {
        NamePath {
            parts,
            span,
            verb: None,
            then: Then::Function(check),
        }
    }
}

/// The lookups whose value the names check reads: comparisons and text lookups.
const VALUE_LOOKUPS: &[&str] = &[
    "exact",
    "iexact",
    "gt",
    "gte",
    "lt",
    "lte",
    "contains",
    "icontains",
    "startswith",
    "istartswith",
    "endswith",
    "iendswith",
    "regex",
    "iregex",
];

/// A value the names check may read without changing what the real query does with it: a
/// literal, a variable or constant, a field of one, a reference to one of these. The check
/// is a closure that is never called, and it only borrows what such a value names (a method
/// call could move a variable into the closure).
pub(crate) fn simple_value(value: &syn::Expr) -> bool {
    match value {
        syn::Expr::Lit(_) => true,
        syn::Expr::Path(p) => p.qself.is_none(),
        syn::Expr::Field(f) => simple_value(&f.base),
        syn::Expr::Reference(r) => r.mutability.is_none() && simple_value(&r.expr),
        syn::Expr::Paren(p) => simple_value(&p.expr),
        syn::Expr::Group(g) => simple_value(&g.expr),
        syn::Expr::Unary(u) => {
            matches!(u.op, syn::UnOp::Neg(_)) && matches!(&*u.expr, syn::Expr::Lit(_))
        }
        _ => false,
    }
}

/// The identifier a name is called as: raw for a keyword (`r#type`); `None` for a part that
/// cannot be a method name (a JSON key such as `0` or `self`), whose path is then not checked.
fn method_ident(name: &str, span: Span) -> Option<syn::Ident> {
    if syn::parse_str::<syn::Ident>(name).is_ok() {
        return Some(syn::Ident::new(name, span));
    }
    if matches!(name, "self" | "Self" | "super" | "crate" | "_") {
        return None;
    }
    let raw = format!("r#{name}");
    syn::parse_str::<syn::Ident>(&raw)
        .ok()
        .map(|_| syn::Ident::new_raw(name, span))
}

/// `receiver`, passed through `CheckNames::__dorm_checked` (a method call, so the receiver is
/// taken as the macro's own method call takes it) with every path of `paths` resolved on its
/// names struct. Without paths, `receiver` unchanged.
pub(crate) fn checked(receiver: TokenStream, paths: &[NamePath]) -> TokenStream {
    let names = format_ident!("__dorm_names", span = Span::mixed_site());
    let keys = format_ident!("__DormKeys", span = Span::mixed_site());
    let mut chains = Vec::new();
    let mut later: Vec<String> = Vec::new();
    for path in paths {
        // Every part carries the span of the whole key: stable Rust cannot split a token's
        // span, so for a longer key rustc's rewrite replaces the whole key by the part it
        // suggests (its message names the right part).
        let span = path.span;
        let Some(idents) = path
            .parts
            .iter()
            .map(|p| method_ident(p, span))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let mut idents = idents.into_iter().zip(&path.parts);
        let Some((first, _)) = idents.next() else {
            continue;
        };
        if let Some(verb) = path.verb {
            // At the key, but the macro's own: rustc's rewrite would put the verb in place of
            // the relation (`prefetch_related` for `entries`).
            let start = if verb == "prefetch_related" {
                // Prefetches name relations by their accessors (`entry_set`).
                quote!(::dorm::names::accessors(#names))
            } else {
                quote!(#names)
            };
            let verb = syn::Ident::new(verb, Span::mixed_site().located_at(span));
            let mut chain = quote_spanned!(path.span=> #start.#first().#verb());
            for (ident, _) in idents {
                chain = quote_spanned!(path.span=> #chain.#ident().#verb());
            }
            chains.push(chain);
            continue;
        }
        let mut chain = quote_spanned!(path.span=> #names.#first());
        for (ident, name) in idents {
            // A lookup or transform is a method of every view (a JSON field's too): only a
            // name that may be a JSON key goes through `Hop::via`, to the keys of this call.
            // (In a block, so that rustc does not look back along the chain for another
            // receiver that has the method: `isnull` of the model's relation lookups.)
            if crate::lookups::is_lookup_or_transform(name) {
                chain = quote_spanned!(path.span=> { #chain }.#ident());
                continue;
            }
            if !later.contains(name) {
                later.push(name.clone());
            }
            chain = quote_spanned!(path.span=> ::dorm::names::Hop::via::<#keys>(#chain).#ident());
        }
        match &path.then {
            Then::Nothing => {}
            Then::Value(value) => {
                let last = path.parts.last().map(String::as_str).unwrap_or_default();
                let explicit = path.parts.len() > 1 && crate::lookups::is_lookup(last);
                if !explicit {
                    let exact = syn::Ident::new("exact", Span::mixed_site().located_at(span));
                    chain = quote_spanned!(path.span=> { #chain }.#exact());
                }
                if !explicit || VALUE_LOOKUPS.contains(&last) {
                    let value_span = syn::spanned::Spanned::span(value);
                    let method = syn::Ident::new("value", value_span);
                    chain = quote_spanned!(value_span=> { #chain }.#method(&(#value)));
                }
            }
            Then::Function(check) => {
                // Spanned at the function's name, as its path is.
                let span = check
                    .clone()
                    .into_iter()
                    .next()
                    .map_or(path.span, |t| t.span());
                chain = quote_spanned!(span=> #check(#chain));
            }
        }
        chains.push(chain);
    }
    if chains.is_empty() {
        return receiver;
    }
    let list = chains
        .iter()
        .rev()
        .fold(quote!(()), |rest, chain| quote!((#chain, #rest)));
    // After a JSON field any key resolves: the keys this call names after a first part.
    let keys_struct = if later.is_empty() {
        quote!()
    } else {
        let methods = later.iter().map(|name| {
            let ident = method_ident(name, Span::call_site()).expect("checked above");
            quote!(fn #ident(&self) -> &'static #keys { &#keys })
        });
        quote! {
            #[allow(non_camel_case_types, non_snake_case, dead_code)]
            struct #keys;
            impl ::dorm::names::Names for #keys {
                const NAMES: &'static Self = &#keys;
            }
            impl ::dorm::names::Hop for #keys {
                type View<K: ::dorm::names::Names> = Self;
            }
            #[allow(non_snake_case, dead_code)]
            impl #keys {
                #(#methods)*
            }
            impl ::core::ops::Deref for #keys {
                type Target = ::dorm::names::FieldLookups;
                fn deref(&self) -> &::dorm::names::FieldLookups {
                    <::dorm::names::FieldLookups as ::dorm::names::Names>::NAMES
                }
            }
        }
    };
    quote! {
        {
            use ::dorm::names::CheckNames as _;
            (#receiver).__dorm_checked(|#names| {
                #keys_struct
                #list
            })
        }
    }
}

/// The tag type of the names struct [`annotation_names`] writes.
pub(crate) fn annotation_tag() -> syn::Ident {
    format_ident!("__DormAnnotationsTag", span = Span::mixed_site())
}

/// The names struct an `annotate!` call writes (with its tag type, [`annotation_tag`]): items
/// for a block before the call; the first `.annotate` of the call carries the tag, the others
/// `dorm::names::NoNames`.
pub(crate) fn annotation_names(names: &[syn::Ident]) -> TokenStream {
    let st = format_ident!("WithAnnotations", span = Span::mixed_site());
    let tag = annotation_tag();
    // A name that is a path (`published__year` in `values!`) is checked by its parts.
    let methods = names
        .iter()
        .filter(|name| !name.to_string().contains("__"))
        .map(|name| {
            let ident =
                method_ident(&name.to_string(), name.span()).unwrap_or_else(|| name.clone());
            quote! {
                #[inline(always)]
                pub fn #ident(&self) -> &'static ::dorm::names::FieldLookups {
                    <::dorm::names::FieldLookups as ::dorm::names::Names>::NAMES
                }
            }
        });
    let items = quote! {
        #[allow(non_camel_case_types)]
        struct #st<B>(::core::marker::PhantomData<fn() -> B>);
        impl<B: ::dorm::names::Names> ::dorm::names::Names for #st<B> {
            const NAMES: &'static Self = &#st(::core::marker::PhantomData);
        }
        impl<B: ::dorm::names::Names> ::core::ops::Deref for #st<B> {
            type Target = B;
            fn deref(&self) -> &B {
                <B as ::dorm::names::Names>::NAMES
            }
        }
        #[allow(dead_code)]
        impl<B: ::dorm::names::Names> #st<B> {
            #(#methods)*
        }
        #[allow(non_camel_case_types)]
        struct #tag;
        impl ::dorm::names::AddsNames for #tag {
            type Extend<B: ::dorm::names::Names> = #st<B>;
        }
    };
    items
}
