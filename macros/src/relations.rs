//! `select_related!` and `prefetch_related!`: relation paths (`blog__owner`) merged into a
//! tree by shared prefixes and written as the type-level lists `dorm::relations` reads.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::Expr;

use crate::lookups::{parts, Call};
use crate::names::name_type;
use crate::resolve::{checked, NamePath};

/// One relation in the tree: its name, a custom QuerySet (prefetch only), what follows it.
struct Node {
    name: String,
    queryset: Option<Expr>,
    kids: Vec<Node>,
}

fn insert(
    nodes: &mut Vec<Node>,
    path: &[String],
    queryset: Option<Expr>,
    span: Span,
) -> syn::Result<()> {
    let (head, rest) = path.split_first().expect("paths have a part");
    let index = match nodes.iter().position(|n| &n.name == head) {
        Some(i) => i,
        None => {
            nodes.push(Node {
                name: head.clone(),
                queryset: None,
                kids: Vec::new(),
            });
            nodes.len() - 1
        }
    };
    let node = &mut nodes[index];
    if rest.is_empty() {
        if queryset.is_some() {
            if node.queryset.is_some() {
                return Err(syn::Error::new(
                    span,
                    format!("`{head}` is given two QuerySets; Django: \"lookup was already seen with a different queryset\""),
                ));
            }
            node.queryset = queryset;
        }
        Ok(())
    } else {
        insert(&mut node.kids, rest, queryset, span)
    }
}

fn tree(call: &Call, allow_querysets: bool, what: &str) -> syn::Result<Vec<Node>> {
    let mut nodes = Vec::new();
    for cond in &call.conditions {
        let ident = match cond {
            Expr::Path(p) if p.path.get_ident().is_some() && p.qself.is_none() => {
                p.path.get_ident().cloned().expect("checked")
            }
            other => {
                return Err(syn::Error::new(
                    other.span(),
                    format!("expected a relation name such as `blog` or `blog__owner` in {what}!"),
                ))
            }
        };
        insert(&mut nodes, &parts(&ident)?, None, ident.span())?;
    }
    for (key, value) in &call.args {
        if !allow_querysets {
            return Err(syn::Error::new(
                key.span(),
                format!("{what}! takes relation names only; a custom QuerySet belongs to prefetch_related!"),
            ));
        }
        insert(&mut nodes, &parts(key)?, Some(value.clone()), key.span())?;
    }
    if nodes.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            format!("{what}!(qs, relation, ...) needs at least one relation"),
        ));
    }
    Ok(nodes)
}

fn joins(nodes: &[Node]) -> TokenStream {
    nodes
        .iter()
        .rev()
        .fold(quote!(::dorm::relations::Nil), |rest, node| {
            let name = name_type(&node.name);
            let kids = joins(&node.kids);
            quote!(::dorm::relations::Cons<::dorm::relations::Join<#name, #kids>, #rest>)
        })
}

fn prefetches(nodes: &[Node]) -> TokenStream {
    nodes
        .iter()
        .rev()
        .fold(quote!(::dorm::relations::Nil), |rest, node| {
            let name = name_type(&node.name);
            let kids = prefetches(&node.kids);
            let queryset = match &node.queryset {
                Some(qs) => quote!(#qs),
                None => quote!(::dorm::relations::AllRows),
            };
            quote!((::dorm::relations::Prefetch::<#name, _, _>::new(#queryset, #kids), #rest))
        })
}

/// The relation paths a call names, for rustc to resolve (see `crate::resolve`).
fn relation_names(call: &Call, verb: &'static str) -> syn::Result<Vec<NamePath>> {
    let mut names = Vec::new();
    for cond in &call.conditions {
        if let Expr::Path(p) = cond {
            if let Some(ident) = p.path.get_ident() {
                names.push(NamePath::relations(parts(ident)?, ident.span(), verb));
            }
        }
    }
    for (key, _) in &call.args {
        names.push(NamePath::relations(parts(key)?, key.span(), verb));
    }
    Ok(names)
}

/// `select_related!(qs, blog, blog__owner)`.
pub fn select_related(input: TokenStream) -> syn::Result<TokenStream> {
    let call: Call = syn::parse2(input)?;
    let nodes = tree(&call, false, "select_related")?;
    let receiver = &call.receiver;
    let receiver = checked(quote!(#receiver), &relation_names(&call, "select_related")?);
    let list = joins(&nodes);
    Ok(quote!((#receiver).select_related::<#list>()))
}

/// `prefetch_related!(qs, entry_set, entry_set__authors, books = filter!(...))`.
pub fn prefetch_related(input: TokenStream) -> syn::Result<TokenStream> {
    let call: Call = syn::parse2(input)?;
    let nodes = tree(&call, true, "prefetch_related")?;
    let receiver = &call.receiver;
    let receiver = checked(
        quote!(#receiver),
        &relation_names(&call, "prefetch_related")?,
    );
    let list = prefetches(&nodes);
    Ok(quote!((#receiver).prefetch_related(#list)))
}

/// `related!(row.blog)`: what the query loaded for the relation `blog` of `row`.
pub fn related(input: TokenStream) -> syn::Result<TokenStream> {
    let expr: Expr = syn::parse2(input)?;
    let Expr::Field(field) = expr else {
        return Err(syn::Error::new(
            expr.span(),
            "expected `row.relation`, e.g. `related!(entry.blog)`",
        ));
    };
    let syn::Member::Named(ident) = &field.member else {
        return Err(syn::Error::new(
            field.member.span(),
            "expected a relation name, e.g. `related!(entry.blog)`",
        ));
    };
    let base = &field.base;
    let name = name_type(&ident.to_string());
    Ok(quote!((#base).related::<#name, _>()))
}
