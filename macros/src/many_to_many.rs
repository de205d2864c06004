//! `ManyToMany<Target>` fields of `#[derive(Model)]`: the join table (a diesel `table!` and a
//! frozen `ModelMeta`, unless a `through` model is given), the relation's registration
//! (`ManyToManyField`), lookups and prefetches in both directions (`PathStep`, `Accessor`),
//! the related managers (`pizza.toppings()`, `topping.pizza_set()`), and the join-table writes
//! for every backend.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};
use syn::{Ident, LitStr, Type};

use crate::names::name_type;

/// A `ManyToMany<Target, Key>` field and its options.
pub struct ManyToManyDef {
    pub ident: Ident,
    pub name: String,
    pub target: Type,
    pub key: Type,
    pub related_name: Option<LitStr>,
    pub through: Option<syn::Path>,
    pub through_fields: Option<(Ident, Ident)>,
    pub symmetrical: Option<bool>,
    pub db_table: Option<String>,
}

/// What the model's derive knows that the relation needs.
pub struct Owner<'a> {
    pub ident: &'a Ident,
    pub model_name: &'a str,
    pub module: &'a Ident,
    pub app_label: &'a str,
    pub db_table: &'a str,
    pub pk_column: &'a str,
    pub pk_sql_type: TokenStream,
    pub pk_kind: &'a str,
}

/// The expansion, and the `ManyToManyMeta` literals for `META`.
pub struct Expanded {
    pub items: TokenStream,
    pub metas: Vec<TokenStream>,
}

fn key_sql(key: &Type) -> syn::Result<(TokenStream, &'static str)> {
    Ok(match key.to_token_stream().to_string().as_str() {
        "i64" => (
            quote!(::dorm::__private::diesel::sql_types::BigInt),
            "BigIntegerField",
        ),
        "i32" => (
            quote!(::dorm::__private::diesel::sql_types::Integer),
            "IntegerField",
        ),
        "i16" => (
            quote!(::dorm::__private::diesel::sql_types::SmallInt),
            "SmallIntegerField",
        ),
        "String" => (
            quote!(::dorm::__private::diesel::sql_types::Text),
            "TextField",
        ),
        _ => {
            return Err(syn::Error::new_spanned(
                key,
                "a ManyToMany's key is `i64` (the default), `i32`, `i16` or `String`: the target's primary key type",
            ))
        }
    })
}

fn last_segment(ty: &Type) -> String {
    let text = ty.to_token_stream().to_string();
    text.rsplit("::").next().unwrap_or(&text).trim().to_string()
}

/// Expands every many-to-many field of one model. `seen_reverse` holds the reverse names already
/// taken (target, name, field), for Django's clash check.
pub fn expand(
    owner: &Owner<'_>,
    defs: &[ManyToManyDef],
    seen_reverse: &mut Vec<(String, String, String)>,
) -> syn::Result<Expanded> {
    let ident = owner.ident;
    let model_name = owner.model_name;
    let lower = model_name.to_lowercase();
    let mut items = TokenStream::new();
    let mut metas = Vec::new();
    for def in defs {
        let name = &def.name;
        let fident = &def.ident;
        let name_ty = name_type(name);
        let self_ref = matches!(def.target.to_token_stream().to_string().as_str(), "Self")
            || last_segment(&def.target) == model_name;
        let target: Type = if def.target.to_token_stream().to_string() == "Self" {
            syn::parse_quote!(#ident)
        } else {
            def.target.clone()
        };
        let key = &def.key;
        let target_name = last_segment(&target);
        if def.through_fields.is_some() && def.through.is_none() {
            return Err(syn::Error::new_spanned(
                fident,
                "through_fields needs through = Model",
            ));
        }
        let symmetrical = def.symmetrical.unwrap_or(self_ref && def.through.is_none());
        if symmetrical && !self_ref {
            return Err(syn::Error::new_spanned(
                fident,
                "symmetrical applies to a many-to-many relation of a model to itself",
            ));
        }
        if symmetrical && def.through.is_some() {
            return Err(syn::Error::new_spanned(
                fident,
                "a symmetrical relation with a `through` model is not supported: make it `symmetrical = false`",
            ));
        }

        // The join table: automatic, or the `through` model's.
        let (join_ty, oc_ty, tc_ty, auto, join_meta, join_table_name) = match &def.through {
            None => {
                let join_table = def
                    .db_table
                    .clone()
                    .unwrap_or_else(|| format!("{}_{}", owner.db_table, name));
                let join_module = format_ident!("{}_{}", owner.module, name);
                let (oc, tc) = if self_ref {
                    (format!("from_{lower}"), format!("to_{lower}"))
                } else {
                    (lower.clone(), target_name.to_lowercase())
                };
                let (oc_col, tc_col) = (format!("{oc}_id"), format!("{tc}_id"));
                let (oc_ident, tc_ident) =
                    (format_ident!("{}", oc_col), format_ident!("{}", tc_col));
                let owner_st = &owner.pk_sql_type;
                let (target_st, target_kind) = key_sql(key)?;
                let target_kind = format_ident!("{}", target_kind);
                let owner_kind = format_ident!("{}", owner.pk_kind);
                let pk_column = owner.pk_column;
                let db_table = owner.db_table;
                let app_label = owner.app_label;
                let join_name = format!("{model_name}_{name}");
                let verbose = format!("{model_name}-{target_name} relationship");
                let unique = format!("{join_table}_{oc_col}_{tc_col}_uniq");
                items.extend(quote! {
                    ::dorm::__private::diesel::table! {
                        #[sql_name = #join_table]
                        #join_module (id) {
                            id -> ::dorm::__private::diesel::sql_types::BigInt,
                            #oc_ident -> #owner_st,
                            #tc_ident -> #target_st,
                        }
                    }
                });
                let meta = quote! {
                    ::core::option::Option::Some(&::dorm::model::ModelMeta {
                        name: #join_name,
                        app_label: #app_label,
                        db_table: #join_table,
                        fields: &[
                            ::dorm::fields::FieldMeta::new("id", ::dorm::fields::FieldKind::BigAutoField).primary_key(),
                            ::dorm::fields::FieldMeta::new(#oc, ::dorm::fields::FieldKind::ForeignKey)
                                .column(#oc_col)
                                .db_index()
                                .foreign_key(#model_name, #db_table, #pk_column, ::dorm::fields::FieldKind::#owner_kind, ::dorm::relations::OnDelete::Cascade),
                            ::dorm::fields::FieldMeta::new(#tc, ::dorm::fields::FieldKind::ForeignKey)
                                .column(#tc_col)
                                .db_index()
                                .foreign_key(#target_name, <#target as ::dorm::Model>::DB_TABLE, <#target as ::dorm::Model>::PK_COLUMN, ::dorm::fields::FieldKind::#target_kind, ::dorm::relations::OnDelete::Cascade),
                        ],
                        constraints: &[::dorm::model::ConstraintMeta { name: #unique, fields: &[#oc, #tc] }],
                        indexes: &[],
                        ordering: &[],
                        managed: true,
                        verbose_name: #verbose,
                        many_to_many: &[],
                    })
                };
                (
                    quote!(#join_module::table),
                    quote!(#join_module::#oc_ident),
                    quote!(#join_module::#tc_ident),
                    true,
                    meta,
                    quote!(#join_table),
                )
            }
            Some(through) => {
                let (src, dst) = match &def.through_fields {
                    Some((a, b)) => (a.to_string(), b.to_string()),
                    None => (lower.clone(), target_name.to_lowercase()),
                };
                let (src_ty, dst_ty) = (name_type(&src), name_type(&dst));
                (
                    quote!(<#through as ::dorm::Model>::Table),
                    quote!(<#through as ::dorm::model::Field<#src_ty>>::Column),
                    quote!(<#through as ::dorm::model::Field<#dst_ty>>::Column),
                    false,
                    quote!(::core::option::Option::None),
                    quote!(<#through as ::dorm::Model>::DB_TABLE),
                )
            }
        };

        items.extend(quote! {
            const _: () = {
                fn __dorm_many_to_many_key_type<M: ::dorm::Model<PkValue = #key>>() {}
                let _ = __dorm_many_to_many_key_type::<#target>;
            };
            impl ::dorm::relations::ManyToManyField<#name_ty> for #ident {
                type Target = #target;
                type Join = #join_ty;
                type OwnerColumn = #oc_ty;
                type TargetColumn = #tc_ty;
                const SYMMETRICAL: bool = #symmetrical;
                const JOIN_TABLE: &'static str = #join_table_name;
            }
            impl ::dorm::relations::PathStep<#name_ty> for #ident {
                type Kind = ::dorm::relations::ManyToManyVia<#ident, ::dorm::relations::Forward, #name_ty>;
            }
            impl ::dorm::relations::Accessor<#name_ty> for #ident {
                type Kind = ::dorm::relations::ManyToManyVia<#ident, ::dorm::relations::Forward, #name_ty>;
            }
        });
        let manager_doc = format!(
            "The `{target_name}` rows related to this row through `{name}` (Django's `{lower}.{name}`): `all()`, `add`, `remove`, `clear`, `set`, `create`."
        );
        let own_fields = format_ident!("{}Fields", ident);
        let own_accessors = format_ident!("{}Accessors", ident);
        let target_accessors_view = quote!(::dorm::names::ManyRows<<<#target as ::dorm::model::HasFields>::Fields as ::dorm::names::HasAccessors>::Accessors>);
        items.extend(quote! {
            #[allow(missing_docs, private_interfaces)]
            impl #own_accessors {
                #[inline(always)]
                pub fn #fident(&self) -> &'static #target_accessors_view {
                    <#target_accessors_view as ::dorm::names::Names>::NAMES
                }
            }
            #[allow(missing_docs, private_interfaces)]
            impl #own_fields {
                #[inline(always)]
                pub fn #fident(&self) -> &'static ::dorm::names::ManyRows<<#target as ::dorm::model::HasFields>::Fields> {
                    <::dorm::names::ManyRows<<#target as ::dorm::model::HasFields>::Fields> as ::dorm::names::Names>::NAMES
                }
            }
        });
        items.extend(quote! {
            impl #ident {
                #[doc = #manager_doc]
                pub fn #fident(&self) -> ::dorm::relations::ManyRelated<#ident, ::dorm::relations::Forward, #name_ty> {
                    ::dorm::relations::ManyRelated::new(::dorm::Model::pk(self))
                }
            }
        });

        // The reverse side, unless symmetrical (the relation reads the same both ways) or
        // switched off with related_name = "+".
        let reverse = match &def.related_name {
            Some(n) if n.value() == "+" => None,
            _ if symmetrical => None,
            Some(n) => Some((n.value(), n.value())),
            None => Some((lower.clone(), format!("{lower}_set"))),
        };
        if let Some((query_name, accessor)) = &reverse {
            if query_name.is_empty() || !query_name.chars().all(|c| c.is_alphanumeric() || c == '_')
            {
                return Err(syn::Error::new_spanned(
                    fident,
                    format!("related_name {query_name:?} must be an identifier (or \"+\")"),
                ));
            }
            let target_text = target.to_token_stream().to_string();
            if let Some((_, _, other)) = seen_reverse
                .iter()
                .find(|(t, n, _)| *t == target_text && n == query_name)
            {
                return Err(syn::Error::new_spanned(
                    fident,
                    format!(
                        "Reverse query name for '{model_name}.{name}' clashes with reverse query name for '{model_name}.{other}'. HINT: Add or change a related_name argument to the definition for '{model_name}.{name}' or '{model_name}.{other}'."
                    ),
                ));
            }
            seen_reverse.push((target_text, query_name.clone(), name.clone()));
            let query_ty = name_type(query_name);
            let accessor_ty = name_type(accessor);
            let accessor_ident = format_ident!("{}", accessor);
            let doc = format!(
                "The `{model_name}` rows related to this row through `{model_name}.{name}` (Django's `{}`).",
                accessor
            );
            let target_fields = crate::model::fields_struct_of(&target)?;
            let target_accessors = crate::model::accessors_struct_of(&target)?;
            let query_ident = format_ident!("{}", query_name);
            items.extend(quote! {
                #[allow(missing_docs, private_interfaces)]
                impl #target_fields {
                    #[inline(always)]
                    pub fn #query_ident(&self) -> &'static ::dorm::names::ManyRows<#own_fields> {
                        <::dorm::names::ManyRows<#own_fields> as ::dorm::names::Names>::NAMES
                    }
                }
                #[allow(missing_docs, private_interfaces)]
                impl #target_accessors {
                    #[inline(always)]
                    pub fn #accessor_ident(&self) -> &'static ::dorm::names::ManyRows<#own_accessors> {
                        <::dorm::names::ManyRows<#own_accessors> as ::dorm::names::Names>::NAMES
                    }
                }
            });
            items.extend(quote! {
                impl ::dorm::relations::PathStep<#query_ty> for #target {
                    type Kind = ::dorm::relations::ManyToManyVia<#ident, ::dorm::relations::Reverse, #name_ty>;
                }
                impl ::dorm::relations::Accessor<#accessor_ty> for #target {
                    type Kind = ::dorm::relations::ManyToManyVia<#ident, ::dorm::relations::Reverse, #name_ty>;
                }
                impl #target {
                    #[doc = #doc]
                    pub fn #accessor_ident(&self) -> ::dorm::relations::ManyRelated<#ident, ::dorm::relations::Reverse, #name_ty> {
                        ::dorm::relations::ManyRelated::new(::dorm::Model::pk(self))
                    }
                }
            });
        }

        // Join-table writes, per backend.
        let keys = quote!(::dorm::relations::Keys);
        let delete_one = quote! {
            fn __dorm_delete(
                conn: &mut __Conn,
                owners: &#keys<<#ident as ::dorm::Model>::PkValue>,
                targets: &#keys<<#target as ::dorm::Model>::PkValue>,
            ) -> ::dorm::Result<usize> {
                use ::dorm::__private::diesel::prelude::*;
                let mut query = ::dorm::__private::diesel::delete(<#join_ty as ::core::default::Default>::default()).into_boxed();
                match owners {
                    #keys::Any => {}
                    #keys::In(v) => query = query.filter(<#oc_ty as ::core::default::Default>::default().eq_any(v.clone())),
                    #keys::NotIn(v) => query = query.filter(<#oc_ty as ::core::default::Default>::default().ne_all(v.clone())),
                }
                match targets {
                    #keys::Any => {}
                    #keys::In(v) => query = query.filter(<#tc_ty as ::core::default::Default>::default().eq_any(v.clone())),
                    #keys::NotIn(v) => query = query.filter(<#tc_ty as ::core::default::Default>::default().ne_all(v.clone())),
                }
                ::core::result::Result::Ok(query.execute(conn)?)
            }
        };
        let mirror_delete = if symmetrical {
            quote!(n += __dorm_delete(conn, targets, owners)?;)
        } else {
            quote!()
        };
        let mut writes = quote! {
            impl ::dorm::relations::JoinRows<__Conn, #name_ty> for #ident {
                fn delete_pairs(
                    conn: &mut __Conn,
                    owners: &#keys<<#ident as ::dorm::Model>::PkValue>,
                    targets: &#keys<<#target as ::dorm::Model>::PkValue>,
                ) -> ::dorm::Result<usize> {
                    #delete_one
                    let mut n = __dorm_delete(conn, owners, targets)?;
                    #mirror_delete
                    ::core::result::Result::Ok(n)
                }
            }
        };
        if auto {
            let mirror_rows = if symmetrical {
                quote! {
                    rows.extend(pairs.iter().filter(|(o, t)| o != t).map(|(o, t)| {
                        (
                            <#oc_ty as ::core::default::Default>::default().eq(t.clone()),
                            <#tc_ty as ::core::default::Default>::default().eq(o.clone()),
                        )
                    }));
                }
            } else {
                quote!()
            };
            writes.extend(quote! {
                impl ::dorm::relations::JoinInsertRows<__Conn, #name_ty> for #ident {
                    fn insert_pairs(
                        conn: &mut __Conn,
                        pairs: &::dorm::relations::many_to_many::Pairs<#ident, #name_ty>,
                    ) -> ::dorm::Result<usize> {
                        use ::dorm::__private::diesel::prelude::*;
                        let mut rows: ::std::vec::Vec<_> = pairs
                            .iter()
                            .map(|(o, t)| {
                                (
                                    <#oc_ty as ::core::default::Default>::default().eq(o.clone()),
                                    <#tc_ty as ::core::default::Default>::default().eq(t.clone()),
                                )
                            })
                            .collect();
                        #mirror_rows
                        let mut n = 0;
                        // Two parameters a row: well under every backend's limit.
                        for chunk in rows.chunks(10_000) {
                            n += ::dorm::__private::diesel::insert_into(<#join_ty as ::core::default::Default>::default())
                                .values(chunk.to_vec())
                                .on_conflict_do_nothing()
                                .execute(conn)?;
                        }
                        ::core::result::Result::Ok(n)
                    }
                }
            });
        }
        if auto {
            items.extend(quote! {
                impl ::dorm::relations::AutoCreated<#name_ty> for #ident {}
            });
        }
        items.extend(quote! {
            ::dorm::__dorm_on_sqlite! { #writes }
            ::dorm::__dorm_on_postgres! { #writes }
        });

        let related_name = match &def.related_name {
            Some(n) => {
                let v = n.value();
                quote!(::core::option::Option::Some(#v))
            }
            None => quote!(::core::option::Option::None),
        };
        let through_name = match &def.through {
            Some(p) => {
                let t = p.to_token_stream().to_string();
                let t = t.rsplit("::").next().unwrap_or(&t).trim().to_string();
                quote!(::core::option::Option::Some(#t))
            }
            None => quote!(::core::option::Option::None),
        };
        metas.push(quote! {
            ::dorm::relations::ManyToManyMeta {
                name: #name,
                to: #target_name,
                related_name: #related_name,
                through: #through_name,
                symmetrical: #symmetrical,
                join: #join_meta,
            }
        });
    }
    Ok(Expanded { items, metas })
}
