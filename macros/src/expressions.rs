//! `annotate!` and `aggregate!`: Django's expression syntax, turned into values whose types
//! carry the names.
//!
//! Inside an expression:
//! * a bare lower-case name (`age`, `first_name`, `books__pages`) is a field, an annotation or
//!   a relation path: `::dorm::expressions::Ref<Name<...>>` (`F(age)` means the same);
//! * literals are values; any other Rust value goes in `Value(...)`, and paths with `::` or
//!   upper-case names (`Kind::Year`, `LIMIT`) are left to Rust;
//! * `a + b`, `a - b`, `a * b`, `a / b` are SQL arithmetic;
//! * `Func(args, key = value)` calls `Func(args)` and then `.key(value)` (Django's keyword
//!   arguments: `Count(venues, distinct = true)`); `filter = ...` takes a condition
//!   (`q!(...)`) as it is;
//! * `When(lookup = value, ..., then = x)` takes Django's lookups, `Case(When(...), ...,
//!   default = x)` takes `When`s, `OuterRef(field)` names a field of the outer query, and
//!   `Value(...)`, `Subquery(...)` and `Exists(...)` take Rust values as they are;
//! * `order_by = -field` (in `Window(...)`) is an ordering, as in `order_by!`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Token};

use crate::lookups::{conjunction, order_key, parts, OrderItem};
use crate::names::name_type;
use crate::resolve::{checked, NamePath};

/// The type of a path `a__b__c`: `Name` for one part, `Across<a, Across<b, c>>` for several;
/// trailing transforms wrap the path before them (`pub_date__year` is
/// `Transformed<pub_date, Year>`, Django's transforms in expressions).
pub(crate) fn path_type(ident: &syn::Ident) -> syn::Result<TokenStream> {
    let mut parts = parts(ident)?;
    let mut transforms = Vec::new();
    while parts.len() > 1 {
        match crate::lookups::transform_type(parts.last().expect("len > 1")) {
            Some(t) => {
                transforms.push(syn::Ident::new(t, Span::call_site()));
                parts.pop();
            }
            None => break,
        }
    }
    let (last, hops) = parts.split_last().expect("a path has a part");
    let path = hops.iter().rev().fold(name_type(last), |rest, hop| {
        let hop = name_type(hop);
        quote!(::dorm::relations::Across<#hop, #rest>)
    });
    Ok(transforms.iter().rev().fold(
        path,
        |inner, t| quote!(::dorm::lookups::Transformed<#inner, ::dorm::lookups::#t>),
    ))
}

fn is_name(ident: &syn::Ident) -> bool {
    let text = ident.to_string();
    let text = text.strip_prefix("r#").unwrap_or(&text);
    text.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') && text != "self"
}

fn single_ident(expr: &Expr) -> Option<syn::Ident> {
    match expr {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident().cloned(),
        _ => None,
    }
}

fn func_name(call: &syn::ExprCall) -> Option<String> {
    single_ident(&call.func).map(|i| i.to_string())
}

/// `OuterRef(field)`: a field of the query a subquery is in.
pub(crate) fn outer_ref(call: &syn::ExprCall) -> syn::Result<Expr> {
    let field = match call.args.first().and_then(single_ident) {
        Some(f) if call.args.len() == 1 => f,
        _ => {
            return Err(syn::Error::new(
                call.span(),
                "OuterRef takes one field name of the outer model: `OuterRef(pk)`",
            ))
        }
    };
    let ty = path_type(&field)?;
    Ok(syn::parse_quote_spanned!(call.span()=> ::dorm::expressions::OuterRef::<#ty>::new()))
}

/// Splits a call's arguments into positional ones and `key = value` ones.
fn split_args(call: &syn::ExprCall) -> (Vec<&Expr>, Vec<(syn::Ident, &Expr)>) {
    let mut positional = Vec::new();
    let mut named = Vec::new();
    for arg in &call.args {
        match arg {
            Expr::Assign(a) => match single_ident(&a.left) {
                Some(key) => named.push((key, &*a.right)),
                None => positional.push(arg),
            },
            other => positional.push(other),
        }
    }
    (positional, named)
}

/// An ordering given as a named argument (`order_by = -field` or a tuple of items).
fn order_items(value: &Expr) -> syn::Result<TokenStream> {
    let items: Vec<Expr> = match value {
        Expr::Tuple(t) => t.elems.iter().cloned().collect(),
        Expr::Array(a) => a.elems.iter().cloned().collect(),
        other => vec![other.clone()],
    };
    let keys = items
        .into_iter()
        .map(|e| order_key(OrderItem::Expr(e)))
        .collect::<syn::Result<Vec<_>>>()?;
    Ok(quote!((#(#keys,)*)))
}

/// The names an expression reads in the QuerySet's scope, for rustc to resolve (see
/// `crate::resolve`): bare names, `F(...)`, `When`'s lookups and `order_by = ...`; not what
/// `OuterRef`, `Value`, `Subquery`, `Exists` or a `filter = q!(...)` hold.
pub(crate) fn expr_names(expr: &Expr, names: &mut Vec<NamePath>) -> syn::Result<()> {
    match expr {
        Expr::Path(p) if p.qself.is_none() => {
            if let Some(ident) = single_ident(expr).filter(is_name) {
                names.push(NamePath::new(parts(&ident)?, ident.span()));
            }
        }
        Expr::Paren(p) => expr_names(&p.expr, names)?,
        Expr::Group(g) => expr_names(&g.expr, names)?,
        Expr::Tuple(t) => {
            for e in &t.elems {
                expr_names(e, names)?;
            }
        }
        Expr::Binary(b) => match crate::resolve::arithmetic_check(&b.op) {
            // An operand that is a field is checked by the operator (`name + 1` is refused).
            Some(check) => {
                for side in [&*b.left, &*b.right] {
                    match operand_field(side) {
                        Some(field) => names.push(NamePath::in_arithmetic(
                            parts(&field)?,
                            field.span(),
                            check.clone(),
                        )),
                        None => expr_names(side, names)?,
                    }
                }
            }
            None => {
                expr_names(&b.left, names)?;
                expr_names(&b.right, names)?;
            }
        },
        Expr::MethodCall(m) => {
            expr_names(&m.receiver, names)?;
            for a in &m.args {
                expr_names(a, names)?;
            }
        }
        Expr::Call(call) => match func_name(call).as_deref() {
            Some("F") => {
                if let Some(field) = call.args.first().and_then(single_ident) {
                    names.push(NamePath::new(parts(&field)?, field.span()));
                }
            }
            Some("OuterRef" | "Value" | "Subquery" | "Exists") => {}
            Some("When") => {
                let (_, named) = split_args(call);
                for (key, value) in named {
                    if key == "then" {
                        expr_names(value, names)?;
                    } else {
                        names.extend(crate::lookups::arg_names(&key, value)?);
                    }
                }
            }
            name => {
                let (positional, named) = split_args(call);
                if let Some(outer) = name.filter(|n| AGGREGATES.contains(n)) {
                    for arg in &positional {
                        nested_aggregate(outer, arg)?;
                    }
                }
                // A function's first argument, when it is a path, is checked against the
                // kinds of field the function takes (`Sum` a number, `Extract` a date).
                if let (Some(function), Some(first)) = (name, positional.first()) {
                    if let Some(field) = single_ident(first).filter(is_name) {
                        let function = syn::Ident::new(function, call.func.span());
                        names.push(NamePath::argument_of(
                            parts(&field)?,
                            field.span(),
                            &function,
                        ));
                        for arg in &positional[1..] {
                            expr_names(arg, names)?;
                        }
                        for (key, value) in named {
                            match key.to_string().as_str() {
                                "filter" => {}
                                "order_by" => crate::lookups::order_names(value, names)?,
                                _ => expr_names(value, names)?,
                            }
                        }
                        return Ok(());
                    }
                }
                for arg in positional {
                    expr_names(arg, names)?;
                }
                for (key, value) in named {
                    match key.to_string().as_str() {
                        "filter" => {}
                        "order_by" => crate::lookups::order_names(value, names)?,
                        _ => expr_names(value, names)?,
                    }
                }
            }
        },
        _ => {}
    }
    Ok(())
}

/// The field an arithmetic operand reads directly: `name` or `F(name)`.
fn operand_field(operand: &Expr) -> Option<syn::Ident> {
    match operand {
        Expr::Path(p) if p.qself.is_none() => single_ident(operand).filter(is_name),
        Expr::Paren(p) => operand_field(&p.expr),
        Expr::Group(g) => operand_field(&g.expr),
        Expr::Call(call) if func_name(call).as_deref() == Some("F") && call.args.len() == 1 => {
            call.args.first().and_then(single_ident)
        }
        _ => None,
    }
}

/// Django's aggregate functions.
const AGGREGATES: &[&str] = &["Count", "Sum", "Avg", "Max", "Min", "StdDev", "Variance"];

/// Django's rule: an aggregate's argument holds no aggregate (`Sum(Max(age))`), reported at the
/// inner aggregate in Django's words.
fn nested_aggregate(outer: &str, arg: &Expr) -> syn::Result<()> {
    let mut found = None;
    find_aggregate(arg, &mut found);
    match found {
        None => Ok(()),
        Some(inner) => {
            // As written, without the spaces token printing adds.
            let text = |e: &Expr| {
                quote!(#e)
                    .to_string()
                    .replace(" (", "(")
                    .replace("( ", "(")
                    .replace(" )", ")")
                    .replace(" ,", ",")
            };
            Err(syn::Error::new(
                inner.span(),
                format!(
                    "Cannot compute {outer}('{}'): '{}' is an aggregate",
                    text(arg),
                    text(&inner)
                ),
            ))
        }
    }
}

/// The first aggregate call in `expr`, outside subqueries.
fn find_aggregate(expr: &Expr, found: &mut Option<Expr>) {
    if found.is_some() {
        return;
    }
    match expr {
        Expr::Call(call) => {
            if func_name(call).is_some_and(|n| AGGREGATES.contains(&n.as_str())) {
                *found = Some(expr.clone());
                return;
            }
            if matches!(func_name(call).as_deref(), Some("Subquery" | "Exists")) {
                return;
            }
            for arg in &call.args {
                find_aggregate(arg, found);
            }
        }
        Expr::Binary(b) => {
            find_aggregate(&b.left, found);
            find_aggregate(&b.right, found);
        }
        Expr::Paren(p) => find_aggregate(&p.expr, found),
        Expr::Group(g) => find_aggregate(&g.expr, found),
        Expr::Unary(u) => find_aggregate(&u.expr, found),
        _ => {}
    }
}

/// Rewrites an expression written in Django's syntax (see the module docs).
pub(crate) fn rewrite(expr: &Expr) -> syn::Result<TokenStream> {
    let span = expr.span();
    Ok(match expr {
        Expr::Path(p) => match single_ident(expr) {
            Some(ident) if is_name(&ident) && p.qself.is_none() => {
                let ty = path_type(&ident)?;
                quote_spanned!(span=> ::dorm::expressions::Ref::<#ty>::new())
            }
            _ => quote!(#expr),
        },
        Expr::Lit(_) => quote!(#expr),
        Expr::Paren(p) => {
            let inner = rewrite(&p.expr)?;
            quote!((#inner))
        }
        Expr::Group(g) => rewrite(&g.expr)?,
        Expr::Tuple(t) => {
            let elems = t
                .elems
                .iter()
                .map(rewrite)
                .collect::<syn::Result<Vec<_>>>()?;
            quote!((#(#elems,)*))
        }
        Expr::Binary(b) => {
            let op = match b.op {
                syn::BinOp::Add(_) => quote!(AddOp),
                syn::BinOp::Sub(_) => quote!(SubOp),
                syn::BinOp::Mul(_) => quote!(MulOp),
                syn::BinOp::Div(_) => quote!(DivOp),
                _ => {
                    return Err(syn::Error::new(
                        b.op.span(),
                        "expressions support +, -, * and /; write conditions with `When(...)` or `q!(...)`",
                    ))
                }
            };
            let (l, r) = (rewrite(&b.left)?, rewrite(&b.right)?);
            quote_spanned!(span=> ::dorm::expressions::Arith::<_, _, ::dorm::expressions::#op>::new(#l, #r))
        }
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) && matches!(&*u.expr, Expr::Lit(_)) => {
            quote!(#expr)
        }
        Expr::MethodCall(m) => {
            let receiver = rewrite(&m.receiver)?;
            let method = &m.method;
            let turbofish = &m.turbofish;
            let args = m
                .args
                .iter()
                .map(rewrite)
                .collect::<syn::Result<Vec<_>>>()?;
            quote!(#receiver.#method #turbofish(#(#args),*))
        }
        Expr::Call(call) => rewrite_call(call)?,
        other => quote!(#other),
    })
}

fn rewrite_call(call: &syn::ExprCall) -> syn::Result<TokenStream> {
    let span = call.span();
    let name = func_name(call);
    match name.as_deref() {
        Some("F") => {
            let field = match call.args.first().and_then(single_ident) {
                Some(f) if call.args.len() == 1 => f,
                _ => {
                    return Err(syn::Error::new(
                        span,
                        "F takes one field name: `F(stories_filed)`",
                    ))
                }
            };
            let ty = path_type(&field)?;
            return Ok(quote_spanned!(span=> ::dorm::expressions::Ref::<#ty>::new()));
        }
        Some("OuterRef") => {
            let e = outer_ref(call)?;
            return Ok(quote!(#e));
        }
        Some("Value") | Some("Subquery") | Some("Exists") => {
            let func = &call.func;
            let args = &call.args;
            return Ok(quote_spanned!(span=> ::dorm::expressions::#func(#args)));
        }
        Some("When") => {
            let (positional, named) = split_args(call);
            let mut lookups = Vec::new();
            let mut then = None;
            for (key, value) in named {
                if key == "then" {
                    then = Some(rewrite(value)?);
                } else {
                    lookups.push((key, value.clone()));
                }
            }
            let then = then.ok_or_else(|| {
                syn::Error::new(
                    span,
                    "When needs `then = value`: `When(rating__gte = 4, then = 1)`",
                )
            })?;
            let conditions: Vec<Expr> = positional.into_iter().cloned().collect();
            if lookups.is_empty() && conditions.is_empty() {
                return Err(syn::Error::new(
                    span,
                    "When needs a condition: `When(rating__gte = 4, then = 1)`",
                ));
            }
            let condition = conjunction(&lookups, &conditions)?;
            return Ok(quote_spanned!(span=> ::dorm::expressions::When::new(#condition, #then)));
        }
        Some("Case") => {
            let (positional, named) = split_args(call);
            let whens = positional
                .into_iter()
                .map(rewrite)
                .collect::<syn::Result<Vec<_>>>()?;
            if whens.is_empty() {
                return Err(syn::Error::new(span, "Case needs at least one `When(...)`"));
            }
            let mut out = quote_spanned!(span=> ::dorm::expressions::Case::new((#(#whens,)*)));
            for (key, value) in named {
                if key != "default" {
                    return Err(syn::Error::new(
                        key.span(),
                        "Case takes `When(...)`s and `default = value`",
                    ));
                }
                let value = rewrite(value)?;
                out = quote!(#out.default(#value));
            }
            return Ok(out);
        }
        _ => {}
    }
    let func = &call.func;
    let (positional, named) = split_args(call);
    let aggregate = name.as_deref().is_some_and(|n| AGGREGATES.contains(&n));
    let args = positional
        .into_iter()
        .enumerate()
        .map(|(i, arg)| {
            let rewritten = rewrite(arg)?;
            // An aggregate's argument that is an expression, not a bare name, may read joined
            // rows (`Sum(F(id) + F(book__pages))`): marked so, see `dorm::aggregates::joined`.
            Ok(if aggregate && i == 0 && operand_field(arg).is_none() {
                quote_spanned!(arg.span()=> ::dorm::aggregates::Composite(#rewritten))
            } else {
                rewritten
            })
        })
        .collect::<syn::Result<Vec<_>>>()?;
    let mut out = quote_spanned!(span=> #func(#(#args),*));
    for (key, value) in named {
        let value = match key.to_string().as_str() {
            "filter" => quote!(#value),
            "order_by" => order_items(value)?,
            _ => rewrite(value)?,
        };
        out = quote!(#out.#key(#value));
    }
    Ok(out)
}

/// The arguments after the receiver: `(name, expression)`, the name optional.
type Named = Vec<(Option<syn::Ident>, Expr)>;

/// `receiver, name = expr, ...`.
fn parse(input: TokenStream, what: &str) -> syn::Result<(Expr, Named)> {
    let items = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(input)?;
    let mut iter = items.into_iter();
    let receiver = iter.next().ok_or_else(|| {
        syn::Error::new(
            Span::call_site(),
            format!("{what}!(qs, name = expression, ...)"),
        )
    })?;
    let mut args = Vec::new();
    for item in iter {
        match item {
            Expr::Assign(a) => {
                let name = single_ident(&a.left).ok_or_else(|| {
                    syn::Error::new(a.left.span(), "expected a name: `n_books = Count(books)`")
                })?;
                args.push((Some(name), *a.right));
            }
            other => args.push((None, other)),
        }
    }
    if args.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            format!("{what}! needs at least one `name = expression`"),
        ));
    }
    Ok((receiver, args))
}

/// `annotate!(qs, n = Count(entries), ...)`.
pub fn annotate(input: TokenStream) -> syn::Result<TokenStream> {
    let (receiver, args) = parse(input, "annotate")?;
    let mut calls = Vec::new();
    let mut names = Vec::new();
    let mut paths = Vec::new();
    for (name, expr) in args {
        let name = name.ok_or_else(|| {
            syn::Error::new(
                expr.span(),
                "name the annotation: `annotate!(qs, n_books = Count(books))` (dorm does not invent `books__count`)",
            )
        })?;
        check_alias(&name)?;
        let ty = name_type(&name.to_string());
        expr_names(&expr, &mut paths)?;
        let expr = rewrite(&expr)?;
        // The first annotation carries the names struct of all of them.
        let tag = if names.is_empty() {
            let tag = crate::resolve::annotation_tag();
            quote!(#tag)
        } else {
            quote!(::dorm::names::NoNames)
        };
        calls.push(quote!(.annotate::<#ty, #tag, _, _, _>(#expr)));
        names.push(name);
    }
    // Names of the QuerySet are checked before the call, so that a refused one silences the
    // errors of the annotations; names of this call's own annotations after it.
    let (own, before): (Vec<_>, Vec<_>) = paths.into_iter().partition(|p: &NamePath| {
        names
            .iter()
            .any(|n| p.parts.first().is_some_and(|f| n == f))
    });
    let receiver = checked(quote!(#receiver), &before);
    let receiver = fresh_names(receiver, &names);
    let items = crate::resolve::annotation_names(&names);
    let out = checked(quote!((#receiver) #(#calls)*), &own);
    Ok(quote!({ #items #out }))
}

/// `receiver`, once rustc has checked that no name of `names` is a field or relation of the
/// model (Django's "The annotation '...' conflicts with a field on the model"): each name gets
/// a fallback method on every type, which the model's own inherent method of that name wins
/// over in method resolution; only the fallback's result is `Fresh`.
fn fresh_names(receiver: TokenStream, names: &[syn::Ident]) -> TokenStream {
    let own = quote::format_ident!("__dorm_own", span = Span::mixed_site());
    let mut fallbacks = Vec::new();
    let mut list = quote!(());
    for name in names.iter().rev() {
        let text = name.to_string();
        let bare = text.strip_prefix("r#").unwrap_or(&text);
        let fallback = quote::format_ident!("__DormFresh_{}", bare, span = Span::mixed_site());
        let method = syn::Ident::new_raw(bare, name.span());
        fallbacks.push(quote! {
            #[allow(non_camel_case_types)]
            trait #fallback {
                fn #method(&self) -> ::dorm::names::FreshName {
                    ::dorm::names::FreshName
                }
            }
            impl<T: ?Sized> #fallback for T {}
        });
        let check = quote_spanned!(name.span()=> ::dorm::names::Fresh::fresh(&#own.#method()));
        list = quote!((#check, #list));
    }
    quote! {
        {
            use ::dorm::names::CheckFresh as _;
            (#receiver).__dorm_fresh(|#own| {
                #(#fallbacks)*
                #list
            })
        }
    }
}

/// `aggregate!(qs, max_age = Max(age), ...)`: names are optional (they document the result).
pub fn aggregate(input: TokenStream) -> syn::Result<TokenStream> {
    let (receiver, args) = parse(input, "aggregate")?;
    let mut exprs = Vec::new();
    let mut paths = Vec::new();
    let mut earlier = EarlierAliases(Vec::new());
    for (name, mut expr) in args {
        if let Some(name) = &name {
            check_alias(name)?;
        }
        // `aggregate!(qs, m = Max(pages), twice = m * 2)`: an alias of the same call stands for
        // its expression (an alias is resolved before a field of the same name, as Django's
        // `resolve_ref` reads annotations first).
        syn::visit_mut::VisitMut::visit_expr_mut(&mut earlier, &mut expr);
        expr_names(&expr, &mut paths)?;
        exprs.push(rewrite(&expr)?);
        if let Some(name) = name {
            earlier.0.push((name.to_string(), expr));
        }
    }
    // Checked as `aggregate!` reads it: over groups, their annotations are the names.
    let receiver = checked(quote!(::dorm::names::ForAggregate(#receiver)), &paths);
    Ok(quote!((#receiver).0.aggregate((#(#exprs,)*))))
}

/// The aliases of an `aggregate!` call so far, with their expressions: a later expression
/// naming one (`m`, `F(m)`) reads the expression itself.
struct EarlierAliases(Vec<(String, Expr)>);

impl EarlierAliases {
    fn aliased(&self, expr: &Expr) -> Option<Expr> {
        let ident = match expr {
            Expr::Path(p) => p.path.get_ident()?,
            Expr::Call(call) if func_name(call).as_deref() == Some("F") && call.args.len() == 1 => {
                match call.args.first()? {
                    Expr::Path(p) => p.path.get_ident()?,
                    _ => return None,
                }
            }
            _ => return None,
        };
        let (_, aliased) = self.0.iter().rev().find(|(name, _)| ident == name)?;
        Some(syn::parse_quote_spanned!(ident.span()=> (#aliased)))
    }
}

impl syn::visit_mut::VisitMut for EarlierAliases {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Some(aliased) = self.aliased(expr) {
            *expr = aliased;
            return;
        }
        match expr {
            // A function's name and an option's keyword (`filter = ...`) are not aliases.
            Expr::Call(call) => call.args.iter_mut().for_each(|a| self.visit_expr_mut(a)),
            Expr::Assign(assign) => self.visit_expr_mut(&mut assign.right),
            _ => syn::visit_mut::visit_expr_mut(self, expr),
        }
    }
}

/// Django's alias rule: no `__` (it would read as a lookup path), at most the length of a name.
fn check_alias(name: &syn::Ident) -> syn::Result<()> {
    let text = name.to_string();
    if text.contains("__") {
        return Err(syn::Error::new(
            name.span(),
            "Column aliases cannot contain `__`: it separates lookups",
        ));
    }
    if text.chars().count() > crate::names::MAX_NAME_LEN {
        return Err(syn::Error::new(
            name.span(),
            format!(
                "`{text}` is longer than the {} characters a name may have",
                crate::names::MAX_NAME_LEN
            ),
        ));
    }
    Ok(())
}
