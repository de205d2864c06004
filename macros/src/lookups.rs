//! `filter!`, `exclude!`, `order_by!`, `update!`: Django's keyword syntax, turned into values
//! whose types carry the names (`a__b__gt = v` becomes a `Lookup` on name `a`...).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Token};

use crate::names::name_type;
use crate::resolve::{checked, NamePath};

/// Every lookup and transform name Django knows; a path's last part in this list is the lookup.
const DJANGO_LOOKUPS: &[&str] = &[
    "exact",
    "iexact",
    "contains",
    "icontains",
    "in",
    "gt",
    "gte",
    "lt",
    "lte",
    "startswith",
    "istartswith",
    "endswith",
    "iendswith",
    "range",
    "isnull",
    "regex",
    "iregex",
    "date",
    "year",
    "iso_year",
    "month",
    "day",
    "week",
    "week_day",
    "iso_week_day",
    "quarter",
    "time",
    "hour",
    "minute",
    "second",
    "has_key",
    "has_keys",
    "has_any_keys",
    "contained_by",
    "search",
];

/// Whether a path part is one of Django's lookups or transforms (a method of every names
/// view, see `crate::resolve`).
pub(crate) fn is_lookup_or_transform(part: &str) -> bool {
    DJANGO_LOOKUPS.contains(&part)
}

/// Whether a path part is a lookup (not a transform): what ends a `filter!` key.
pub(crate) fn is_lookup(part: &str) -> bool {
    DJANGO_LOOKUPS.contains(&part) && transform_type(part).is_none()
}

/// The lookups dorm implements, and the type that implements each.
fn lookup_type(name: &str) -> Option<&'static str> {
    Some(match name {
        "exact" => "Exact",
        "iexact" => "IExact",
        "contains" => "Contains",
        "icontains" => "IContains",
        "startswith" => "StartsWith",
        "istartswith" => "IStartsWith",
        "endswith" => "EndsWith",
        "iendswith" => "IEndsWith",
        "regex" => "Regex",
        "iregex" => "IRegex",
        "gt" => "Gt",
        "gte" => "Gte",
        "lt" => "Lt",
        "lte" => "Lte",
        "in" => "In",
        "range" => "Range",
        "isnull" => "IsNull",
        "has_key" => "HasKey",
        "has_keys" => "HasKeys",
        "has_any_keys" => "HasAnyKeys",
        "contained_by" => "ContainedBy",
        _ => return None,
    })
}

/// The transforms dorm implements, and the type that implements each.
pub(crate) fn transform_type(name: &str) -> Option<&'static str> {
    Some(match name {
        "year" => "Year",
        "month" => "Month",
        "day" => "Day",
        "week" => "Week",
        "week_day" => "WeekDay",
        "quarter" => "Quarter",
        "hour" => "Hour",
        "minute" => "Minute",
        "second" => "Second",
        "date" => "DateOf",
        _ => return None,
    })
}

/// `receiver, key = value, ..., q_expression, ...`
pub(crate) struct Call {
    pub(crate) receiver: Expr,
    pub(crate) args: Vec<(syn::Ident, Expr)>,
    /// Positional conditions (`q!(...) | q!(...)`), ANDed with the keyword ones.
    pub(crate) conditions: Vec<Expr>,
}

/// `key = value, ..., q_expression, ...` (the arguments of `q!`).
struct Args {
    pub(crate) args: Vec<(syn::Ident, Expr)>,
    pub(crate) conditions: Vec<Expr>,
}

fn parse_args(input: ParseStream, first_needs_comma: bool) -> syn::Result<Args> {
    let mut args = Vec::new();
    let mut conditions = Vec::new();
    let mut first = true;
    while !input.is_empty() {
        if !first || first_needs_comma {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
        }
        first = false;
        let expr: Expr = input.parse()?;
        match expr {
            Expr::Assign(a) => {
                let key = match *a.left {
                    Expr::Path(p) if p.path.get_ident().is_some() && p.qself.is_none() => {
                        p.path.get_ident().cloned().expect("checked")
                    }
                    other => {
                        return Err(syn::Error::new(
                            other.span(),
                            "expected a keyword such as `headline` or `pub_date__year__gte`",
                        ))
                    }
                };
                args.push((key, *a.right));
            }
            other => conditions.push(other),
        }
    }
    Ok(Args { args, conditions })
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        parse_args(input, false)
    }
}

impl Parse for Call {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let receiver: Expr = input.parse()?;
        if let Expr::Assign(a) = &receiver {
            return Err(syn::Error::new(
                a.span(),
                "the first argument is the QuerySet or manager to filter: `filter!(Entry::objects(), headline = \"x\")`",
            ));
        }
        let Args { args, conditions } = parse_args(input, true)?;
        Ok(Call {
            receiver,
            args,
            conditions,
        })
    }
}

/// Splits `pub_date__year__gte` into its parts.
pub(crate) fn parts(key: &syn::Ident) -> syn::Result<Vec<String>> {
    let text = key.to_string();
    let text = text.strip_prefix("r#").unwrap_or(&text).to_string();
    let parts: Vec<String> = text.split("__").map(str::to_string).collect();
    if let Some(long) = parts
        .iter()
        .find(|p| p.chars().count() > crate::names::MAX_NAME_LEN)
    {
        return Err(syn::Error::new(
            key.span(),
            format!(
                "`{long}` is longer than the {} characters dorm's field names may have",
                crate::names::MAX_NAME_LEN
            ),
        ));
    }
    if parts.iter().any(String::is_empty) {
        return Err(syn::Error::new(
            key.span(),
            "empty part in a lookup path: use single `__` between parts",
        ));
    }
    Ok(parts)
}

/// Rewrites `F(field)` anywhere in a value into `::dorm::expressions::F::<Name<...>>::new()`.
struct FRewriter {
    error: Option<syn::Error>,
    /// The names `F(...)` reads, for rustc to resolve (see `crate::resolve`).
    names: Vec<NamePath>,
    /// The check of the arithmetic operator the `F(...)` being visited is an operand of.
    arithmetic: Option<TokenStream>,
}

impl syn::visit_mut::VisitMut for FRewriter {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Binary(b) = expr {
            if let Some(check) = crate::resolve::arithmetic_check(&b.op) {
                for side in [&mut *b.left, &mut *b.right] {
                    self.arithmetic = Some(check.clone());
                    self.visit_expr_mut(side);
                }
                self.arithmetic = None;
                return;
            }
        }
        // Only an operand itself is checked by its operator.
        let arithmetic = self.arithmetic.take();
        if let Expr::Call(call) = expr {
            if matches!(&*call.func, Expr::Path(p) if p.qself.is_none() && p.path.is_ident("F")) {
                let field = match call.args.first() {
                    Some(Expr::Path(p)) if call.args.len() == 1 && p.path.get_ident().is_some() => {
                        p.path.get_ident().cloned().expect("checked")
                    }
                    _ => {
                        self.error = Some(syn::Error::new(
                            call.span(),
                            "F takes one field name: `F(stories_filed)`",
                        ));
                        return;
                    }
                };
                let path = match parts(&field) {
                    Ok(path) => path,
                    Err(e) => {
                        self.error = Some(e);
                        return;
                    }
                };
                self.names.push(match arithmetic {
                    Some(check) => NamePath::in_arithmetic(path, field.span(), check),
                    None => NamePath::new(path, field.span()),
                });
                // `F(blog__name)`: the field across foreign keys (a value per row, `NULL`
                // without a related row), as a bare path is in expressions.
                let ty = crate::expressions::path_type(&field).expect("parsed above");
                *expr =
                    syn::parse_quote_spanned!(call.span()=> ::dorm::expressions::F::<#ty>::new());
                return;
            }
            if matches!(&*call.func, Expr::Path(p) if p.qself.is_none() && p.path.is_ident("OuterRef"))
            {
                match crate::expressions::outer_ref(call) {
                    Ok(rewritten) => *expr = rewritten,
                    Err(e) => self.error = Some(e),
                }
                return;
            }
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// A value with its `F(...)` references resolved to types.
pub(crate) fn rewrite_value(value: &Expr) -> syn::Result<Expr> {
    rewrite_value_names(value).map(|(value, _)| value)
}

/// A value with its `F(...)` references resolved to types, and the names they read.
fn rewrite_value_names(value: &Expr) -> syn::Result<(Expr, Vec<NamePath>)> {
    let mut value = value.clone();
    let mut rewriter = FRewriter {
        error: None,
        names: Vec::new(),
        arithmetic: None,
    };
    syn::visit_mut::VisitMut::visit_expr_mut(&mut rewriter, &mut value);
    match rewriter.error {
        Some(e) => Err(e),
        None => Ok((value, rewriter.names)),
    }
}

/// The names of `key = value` for rustc to resolve: the key's path (lookup and transforms
/// included), and what `F(...)` reads in the value.
pub(crate) fn arg_names(key: &syn::Ident, value: &Expr) -> syn::Result<Vec<NamePath>> {
    // The whole path, lookup and transforms included: each kind of field has only its own.
    let mut names = vec![NamePath::with_value(parts(key)?, key.span(), value)];
    names.extend(rewrite_value_names(value)?.1);
    Ok(names)
}

/// The names of every `key = value` of a call, and of the `q!(...)`s among its conditions.
fn args_names(args: &[(syn::Ident, Expr)], conditions: &[Expr]) -> syn::Result<Vec<NamePath>> {
    let mut names = Vec::new();
    for (key, value) in args {
        names.extend(arg_names(key, value)?);
    }
    for condition in conditions {
        condition_names(condition, &mut names)?;
    }
    Ok(names)
}

/// The names of the `q!(...)`s a condition combines (`q!(a = 1) | !q!(b = 2)`), which are
/// resolved on the QuerySet they filter; any other condition is a Rust value, left as is.
fn condition_names(condition: &Expr, names: &mut Vec<NamePath>) -> syn::Result<()> {
    match condition {
        Expr::Macro(m) if m.mac.path.segments.last().is_some_and(|s| s.ident == "q") => {
            let args: Args = syn::parse2(m.mac.tokens.clone())?;
            names.extend(args_names(&args.args, &args.conditions)?);
        }
        Expr::Binary(b) => {
            condition_names(&b.left, names)?;
            condition_names(&b.right, names)?;
        }
        Expr::Unary(u) => condition_names(&u.expr, names)?,
        Expr::Paren(p) => condition_names(&p.expr, names)?,
        Expr::Group(g) => condition_names(&g.expr, names)?,
        _ => {}
    }
    Ok(())
}

/// One `key = value` as a lookup expression.
/// One `key = value`, split: its path, its lookup kind and its value.
struct Parsed {
    parts: Vec<String>,
    kind: syn::Ident,
    value: TokenStream,
    /// The value's path when the value is `F(a__b)` across relations: its relations, and its
    /// last name with the transforms after it.
    f_path: Option<(Vec<String>, Vec<String>)>,
}

/// `F(a__b__c)` (a path with at least one relation before its field and transforms): the
/// relations and the rest.
fn f_across(value: &Expr) -> syn::Result<Option<(Vec<String>, Vec<String>)>> {
    let Expr::Call(call) = value else {
        return Ok(None);
    };
    let is_f = matches!(&*call.func, Expr::Path(p) if p.qself.is_none() && p.path.is_ident("F"));
    let field = match call.args.first() {
        Some(Expr::Path(p)) if is_f && call.args.len() == 1 => p.path.get_ident().cloned(),
        _ => None,
    };
    let Some(field) = field else {
        return Ok(None);
    };
    let mut path = parts(&field)?;
    let mut tail = Vec::new();
    while path.len() > 1 && transform_type(path.last().expect("len > 1")).is_some() {
        tail.insert(0, path.pop().expect("len > 1"));
    }
    if path.len() < 2 {
        return Ok(None);
    }
    tail.insert(0, path.pop().expect("len >= 2"));
    Ok(Some((path, tail)))
}

/// The lookup a comparison becomes when its sides swap (`gt` read from the other side is `lt`).
fn flipped(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "Exact" => "Exact",
        "Gt" => "Lt",
        "Gte" => "Lte",
        "Lt" => "Gt",
        "Lte" => "Gte",
        _ => return None,
    })
}

/// `name` with `transforms` after it, as the operand type of a lookup.
fn operand_type(parts: &[String]) -> TokenStream {
    let mut operand = name_type(&parts[0]);
    for part in &parts[1..] {
        let t = syn::Ident::new(transform_type(part).expect("checked"), Span::call_site());
        operand = quote!(::dorm::lookups::Transformed<#operand, ::dorm::lookups::#t>);
    }
    operand
}

fn parsed_lookup(key: &syn::Ident, value: &Expr) -> syn::Result<Parsed> {
    let mut parts = parts(key)?;
    let lookup = if parts.len() > 1
        && DJANGO_LOOKUPS.contains(&parts[parts.len() - 1].as_str())
        && transform_type(&parts[parts.len() - 1]).is_none()
    {
        parts.pop().expect("len > 1")
    } else {
        "exact".to_string()
    };
    let Some(kind) = lookup_type(&lookup) else {
        return Err(syn::Error::new(
            key.span(),
            format!("Unsupported lookup '{lookup}': dorm does not implement it yet"),
        ));
    };
    let kind = syn::Ident::new(kind, Span::call_site());
    let span = value.span();
    let f_path = f_across(value)?;
    let value = rewrite_value(value)?;
    Ok(Parsed {
        parts,
        kind,
        value: quote_spanned!(span=> #value),
        f_path,
    })
}

fn and_all(mut exprs: Vec<TokenStream>) -> syn::Result<TokenStream> {
    let mut acc = exprs
        .pop()
        .ok_or_else(|| syn::Error::new(Span::call_site(), "expected at least one condition"))?;
    while let Some(prev) = exprs.pop() {
        acc = quote!(::dorm::lookups::And(#prev, #acc));
    }
    Ok(acc)
}

/// Lookups ANDed, those that go past the same name grouped into one `PathLookup`, so that the
/// conditions of one `filter!` apply to the same related row (Django's multi-valued rule).
fn grouped(key: &syn::Ident, items: Vec<Parsed>) -> syn::Result<TokenStream> {
    let mut exprs = Vec::new();
    let mut groups: Vec<(String, Vec<Parsed>)> = Vec::new();
    for item in items {
        let rest = &item.parts[1..];
        if rest.is_empty() && item.kind == "IsNull" {
            // `name__isnull`: a nullable field, or a reverse relation with no rows.
            let name = name_type(&item.parts[0]);
            let value = &item.value;
            exprs.push(quote!(::dorm::relations::NameIsNull::<#name>::new(#value)));
            continue;
        }
        if rest.iter().all(|p| transform_type(p).is_some()) {
            let operand = operand_type(&item.parts);
            let (kind, value) = (&item.kind, &item.value);
            let direct =
                quote!(::dorm::lookups::Lookup::<#operand, ::dorm::lookups::#kind, _>::new(#value));
            match &item.f_path {
                // `name = F(rel__field)`: also written from the relation's side, for a
                // multi-valued relation (see `dorm::lookups::f_path`).
                Some((hops, tail)) => {
                    let target = operand_type(tail);
                    let flippable = flipped(&kind.to_string());
                    let mut flip = match flippable {
                        Some(k) => {
                            let k = syn::Ident::new(k, Span::call_site());
                            quote!(::dorm::lookups::Lookup::<#target, ::dorm::lookups::#k, _>::new(
                                ::dorm::expressions::F::<#operand>::new()
                            ))
                        }
                        None => quote!(::dorm::lookups::NotFlippable),
                    };
                    let mut list = quote!(());
                    for hop in hops.iter().rev() {
                        let hop = name_type(hop);
                        if flippable.is_some() {
                            flip = quote!(::dorm::relations::PathLookup::<#hop, _>::new(#flip));
                        }
                        list = quote!((#hop, #list));
                    }
                    exprs
                        .push(quote!(::dorm::lookups::FLookup::<#list, _, _>::new(#direct, #flip)));
                }
                None => exprs.push(direct),
            }
            continue;
        }
        if transform_type(&rest[0]).is_some() || DJANGO_LOOKUPS.contains(&rest[0].as_str()) {
            let path = item.parts.join("__");
            return Err(syn::Error::new(
                key.span(),
                format!("`{path}`: a transform or lookup must come last; `{}` cannot be followed by more names", rest[0]),
            ));
        }
        let head = item.parts[0].clone();
        let inner = Parsed {
            parts: rest.to_vec(),
            kind: item.kind,
            value: item.value,
            f_path: None,
        };
        match groups.iter_mut().find(|(h, _)| *h == head) {
            Some((_, members)) => members.push(inner),
            None => groups.push((head, vec![inner])),
        }
    }
    for (head, members) in groups {
        let head_ty = name_type(&head);
        let inner = grouped(key, members)?;
        exprs.push(quote!(::dorm::relations::PathLookup::<#head_ty, _>::new(#inner)));
    }
    and_all(exprs)
}

/// All lookups and conditions ANDed: `And(a, And(b, c))`.
pub(crate) fn conjunction(
    args: &[(syn::Ident, Expr)],
    conditions: &[Expr],
) -> syn::Result<TokenStream> {
    let mut exprs = Vec::new();
    if let Some((first_key, _)) = args.first() {
        let items = args
            .iter()
            .map(|(k, v)| parsed_lookup(k, v))
            .collect::<syn::Result<Vec<_>>>()?;
        exprs.push(grouped(first_key, items)?);
    }
    exprs.extend(conditions.iter().map(|c| quote!(#c)));
    and_all(exprs)
}

/// `q!(key = value, ...)`: a `Q` of the conditions ANDed.
pub fn q(input: TokenStream) -> syn::Result<TokenStream> {
    let args: Args = syn::parse2(input)?;
    let predicate = conjunction(&args.args, &args.conditions)?;
    Ok(quote!(::dorm::lookups::Q(#predicate)))
}

pub fn filter(input: TokenStream, negate: bool) -> syn::Result<TokenStream> {
    // Without a QuerySet first (`filter!(headline__startswith = "What")`), the conditions
    // become a `Q` for `qs.filter(...)`.
    let starts_with_keyword = {
        let mut tokens = input.clone().into_iter();
        matches!(
            (tokens.next(), tokens.next()),
            (Some(proc_macro2::TokenTree::Ident(_)), Some(proc_macro2::TokenTree::Punct(p))) if p.as_char() == '=' && p.spacing() == proc_macro2::Spacing::Alone
        )
    };
    if starts_with_keyword {
        let args: Args = syn::parse2(input)?;
        let predicate = conjunction(&args.args, &args.conditions)?;
        return Ok(if negate {
            quote!(::dorm::lookups::Q(::dorm::lookups::Not(#predicate)))
        } else {
            quote!(::dorm::lookups::Q(#predicate))
        });
    }
    let call: Call = Parser::parse2(Call::parse, input)?;
    let receiver = &call.receiver;
    if call.args.is_empty() && call.conditions.is_empty() {
        return Ok(quote!((#receiver).all()));
    }
    let predicate = conjunction(&call.args, &call.conditions)?;
    let receiver = checked(
        quote!(#receiver),
        &args_names(&call.args, &call.conditions)?,
    );
    Ok(if negate {
        quote!((#receiver).exclude(#predicate))
    } else {
        quote!((#receiver).filter(#predicate))
    })
}

pub fn update(input: TokenStream) -> syn::Result<TokenStream> {
    let call: Call = Parser::parse2(Call::parse, input)?;
    let receiver = &call.receiver;
    if call.args.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            "update! needs at least one `field = value`",
        ));
    }
    let mut assigns = Vec::new();
    let mut names = Vec::new();
    for (key, value) in &call.args {
        names.push(NamePath::new(parts(key)?, key.span()));
        if holds_case(value) {
            crate::expressions::expr_names(value, &mut names)?;
        } else {
            let read = rewrite_value_names(value)?.1;
            // Django's rule: an UPDATE has no joins.
            if let Some(across) = read.iter().find(|name| name.parts.len() > 1) {
                return Err(syn::Error::new(
                    across.span,
                    "Joined field references are not permitted in this query: `update!` sets \
                     values from the row's own fields (Django's FieldError)",
                ));
            }
            names.extend(read);
        }
        let parts = parts(key)?;
        if parts.len() != 1 {
            return Err(syn::Error::new(
                key.span(),
                "Cannot update model field: only non-relations and foreign keys permitted (use the field's own name)",
            ));
        }
        let name = name_type(&parts[0]);
        if holds_case(value) {
            // `Case(When(...), default = F(x))`, possibly in arithmetic: an expression in
            // Django's syntax, resolved on the rows being updated.
            let span = value.span();
            let value = crate::expressions::rewrite(value)?;
            assigns.push(
                quote_spanned!(span=> ::dorm::queryset::Assign::<#name, _>::new(
                    ::dorm::expressions::UpdateExpr::<_, _>::new(#value)
                )),
            );
            continue;
        }
        let value = rewrite_value(value)?;
        assigns.push(quote!(::dorm::queryset::Assign::<#name, _>::new(#value)));
    }
    let receiver = checked(quote!(#receiver), &names);
    Ok(quote!((#receiver).update((#(#assigns,)*))))
}

/// Whether an `update!` value is a `Case(...)`/`When(...)` call, or arithmetic with one at its
/// top level (`Case(...) + 1`).
fn holds_case(value: &Expr) -> bool {
    match value {
        Expr::Call(call) => matches!(
            &*call.func,
            Expr::Path(p) if p.qself.is_none() && (p.path.is_ident("Case") || p.path.is_ident("When"))
        ),
        Expr::Paren(p) => holds_case(&p.expr),
        Expr::Group(g) => holds_case(&g.expr),
        Expr::Binary(b) => {
            matches!(
                b.op,
                syn::BinOp::Add(_) | syn::BinOp::Sub(_) | syn::BinOp::Mul(_) | syn::BinOp::Div(_)
            ) && (holds_case(&b.left) || holds_case(&b.right))
        }
        _ => false,
    }
}

/// One `order_by!` item: `field`, `-field`, `Lower(field)`, `-field.nulls_last()`, or `?`.
pub(crate) enum OrderItem {
    Random,
    Expr(Expr),
}

impl Parse for OrderItem {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(Token![?]) {
            input.parse::<Token![?]>()?;
            return Ok(OrderItem::Random);
        }
        input.parse().map(OrderItem::Expr)
    }
}

/// The operand of an ordering item: a field, or `Lower(field)`/`Upper(field)`.
fn order_operand(expr: &Expr) -> syn::Result<TokenStream> {
    match expr {
        Expr::Path(p) if p.path.get_ident().is_some() => {
            let ident = p.path.get_ident().cloned().expect("checked");
            // `blog__owner__name`: the field `name` across the foreign keys `blog`, `owner`;
            // `pub_date__year`: a transform of the field.
            crate::expressions::path_type(&ident)
        }
        Expr::Call(call) => {
            let func = match &*call.func {
                Expr::Path(p) if p.path.is_ident("Lower") => quote!(::dorm::lookups::Lower),
                Expr::Path(p) if p.path.is_ident("Upper") => quote!(::dorm::lookups::Upper),
                other => return Err(syn::Error::new(other.span(), "expected `Lower(field)` or `Upper(field)`")),
            };
            let [arg] = call.args.iter().collect::<Vec<_>>()[..] else {
                return Err(syn::Error::new(call.span(), "takes one field"));
            };
            let inner = order_operand(arg)?;
            Ok(quote!(::dorm::lookups::Transformed<#inner, #func>))
        }
        Expr::Paren(p) => order_operand(&p.expr),
        other => Err(syn::Error::new(
            other.span(),
            "expected a field name, `-field` for descending, `Lower(field)`, `field.nulls_last()` or `?`",
        )),
    }
}

/// The names an ordering item reads: its path (`blog__owner__name`), also inside `-`,
/// `Lower(...)` and `.nulls_last()`.
pub(crate) fn order_names(expr: &Expr, names: &mut Vec<NamePath>) -> syn::Result<()> {
    match expr {
        Expr::Path(p) if p.path.get_ident().is_some() => {
            let ident = p.path.get_ident().expect("checked");
            names.push(NamePath::new(parts(ident)?, ident.span()));
        }
        Expr::Unary(u) => order_names(&u.expr, names)?,
        Expr::Paren(p) => order_names(&p.expr, names)?,
        Expr::MethodCall(m) => order_names(&m.receiver, names)?,
        Expr::Call(c) => {
            for arg in &c.args {
                order_names(arg, names)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// One ordering item (`-pub_date`, `headline.nulls_last()`, `Lower(name)`, `?`) as an
/// `Asc`/`Desc`/`NullsFirst`/`NullsLast`/`Random` value.
pub(crate) fn order_key(item: OrderItem) -> syn::Result<TokenStream> {
    let expr = match item {
        OrderItem::Random => return Ok(quote!(::dorm::queryset::Random)),
        OrderItem::Expr(e) => e,
    };
    let (desc, inner) = match expr {
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => (true, *u.expr),
        other => (false, other),
    };
    let (nulls, inner) = match inner {
        Expr::MethodCall(m)
            if m.args.is_empty() && (m.method == "nulls_first" || m.method == "nulls_last") =>
        {
            (Some(m.method.to_string()), *m.receiver)
        }
        other => (None, other),
    };
    let operand = order_operand(&inner)?;
    let by = quote!(::dorm::queryset::ByName::<#operand>::new());
    let key = if desc {
        quote!(::dorm::queryset::Desc(#by))
    } else {
        quote!(::dorm::queryset::Asc(#by))
    };
    Ok(match nulls.as_deref() {
        Some("nulls_first") => quote!(::dorm::queryset::NullsFirst(#key)),
        Some(_) => quote!(::dorm::queryset::NullsLast(#key)),
        None => key,
    })
}

pub fn order_by(input: TokenStream) -> syn::Result<TokenStream> {
    let mut items = Punctuated::<OrderItem, Token![,]>::parse_terminated
        .parse2(input)?
        .into_iter();
    let receiver = match items.next() {
        Some(OrderItem::Expr(e)) => e,
        _ => {
            return Err(syn::Error::new(
                Span::call_site(),
                "order_by!(qs, field, -field, ...)",
            ))
        }
    };
    let items: Vec<OrderItem> = items.collect();
    let mut names = Vec::new();
    for item in &items {
        if let OrderItem::Expr(e) = item {
            order_names(e, &mut names)?;
        }
    }
    let keys = items
        .into_iter()
        .map(order_key)
        .collect::<syn::Result<Vec<_>>>()?;
    if keys.is_empty() {
        return Ok(quote!((#receiver).clear_ordering()));
    }
    let receiver = checked(quote!(#receiver), &names);
    Ok(quote!((#receiver).order_by((#(#keys,)*))))
}

/// The fields named in a `values_list!`/`distinct_on!` call, as `Pick<Name>` or a tuple of them.
/// Names in `annotations` are the call's own annotations, picked whole.
fn picks(
    items: impl Iterator<Item = Expr>,
    annotations: &[syn::Ident],
) -> syn::Result<TokenStream> {
    let mut picks = Vec::new();
    for item in items {
        let ident = match &item {
            Expr::Path(p) if p.path.get_ident().is_some() => {
                p.path.get_ident().cloned().expect("checked")
            }
            other => return Err(syn::Error::new(other.span(), "expected a field name")),
        };
        if annotations.contains(&ident) {
            let name = name_type(&ident.to_string());
            picks.push(quote!(::dorm::queryset::Pick<#name>));
            continue;
        }
        let parts = parts(&ident)?;
        // `blog__name`: the field `name` across the foreign key `blog`.
        let (last, hops) = parts.split_last().expect("a path has a part");
        if hops.is_empty() {
            let name = name_type(last);
            picks.push(quote!(::dorm::queryset::Pick<#name>));
        } else {
            let path = hops.iter().rev().fold(name_type(last), |rest, hop| {
                let hop = name_type(hop);
                quote!(::dorm::relations::Across<#hop, #rest>)
            });
            picks.push(quote!(::dorm::relations::PickAcross<#path>));
        }
    }
    match picks.len() {
        0 => Err(syn::Error::new(
            Span::call_site(),
            "name at least one field",
        )),
        1 => Ok(picks.pop().expect("one")),
        _ => Ok(quote!((#(#picks,)*))),
    }
}

/// Whether a `values!` item is a path that ends at a transform (`published__year`).
fn ends_at_transform(path: &syn::ExprPath) -> bool {
    let Some(ident) = path.path.get_ident() else {
        return false;
    };
    ident
        .to_string()
        .rsplit_once("__")
        .is_some_and(|(_, last)| transform_type(last).is_some())
}

/// `values_list!(qs, a, b)` / `distinct_on!(qs, a, b)`.
pub fn projection(input: TokenStream, method: &str) -> syn::Result<TokenStream> {
    let items = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(input)?;
    let mut iter = items.into_iter();
    let receiver = iter
        .next()
        .ok_or_else(|| syn::Error::new(Span::call_site(), "expected the QuerySet first"))?;
    // `values!(qs, year = ExtractYear(joined))`: annotate, then pick the annotation.
    let mut receiver = quote!(#receiver);
    let mut names = Vec::new();
    let mut annotations = Vec::new();
    let mut first_annotation = true;
    let mut paths = Vec::new();
    for item in iter {
        // `values!(qs, published__year)`: a path that ends at a transform is the transform's
        // value, read as an annotation named after the path (Django's `values("pub_date__year")`).
        let item = match item {
            Expr::Path(p) if method == "values_list" && ends_at_transform(&p) => {
                syn::parse_quote_spanned!(p.span()=> #p = #p)
            }
            other => other,
        };
        match item {
            Expr::Assign(a) if method == "values_list" => {
                let name = match &*a.left {
                    Expr::Path(p) if p.path.get_ident().is_some() => {
                        p.path.get_ident().cloned().expect("checked")
                    }
                    other => {
                        return Err(syn::Error::new(
                            other.span(),
                            "expected a name: `year = ExtractYear(joined)`",
                        ))
                    }
                };
                let ty = name_type(&name.to_string());
                crate::expressions::expr_names(&a.right, &mut paths)?;
                let expr = crate::expressions::rewrite(&a.right)?;
                // The first annotation carries the names struct of all of them.
                let tag = if first_annotation {
                    let tag = crate::resolve::annotation_tag();
                    quote!(#tag)
                } else {
                    quote!(::dorm::names::NoNames)
                };
                first_annotation = false;
                receiver = quote!((#receiver).annotate::<#ty, #tag, _, _, _>(#expr));
                annotations.push(name.clone());
                names.push(syn::parse_quote!(#name));
            }
            other => names.push(other),
        }
    }
    for item in &names {
        if let Expr::Path(p) = item {
            if let Some(ident) = p.path.get_ident() {
                paths.push(NamePath::new(parts(ident)?, ident.span()));
            }
        }
    }
    let picks = picks(names.into_iter(), &annotations)?;
    let (items, receiver) = if annotations.is_empty() {
        (quote!(), receiver)
    } else {
        (crate::resolve::annotation_names(&annotations), receiver)
    };
    let receiver = checked(receiver, &paths);
    if method == "values_list" {
        return Ok(quote!({
            #items
            ::dorm::queryset::ValuesOf::<#picks, _>::values_of(#receiver)
        }));
    }
    let method = syn::Ident::new(method, Span::call_site());
    Ok(quote!({ #items (#receiver).#method::<#picks>() }))
}
