//! `#[modelrt_sdk::provider(<id>)] impl <Block> { .. }`.

use modelrt_vocabulary::{Block, BLOCKS};
use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;

/// The expansion, or one error plus the block, compiled out so it adds no errors of its own.
pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    match wire(attr, item.clone()) {
        Ok(tokens) => tokens,
        Err(error) => {
            let error = error.to_compile_error();
            quote!(#error #[cfg(any())] #item)
        }
    }
}

fn wire(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let names: Vec<&str> = BLOCKS.iter().map(|b| b.name).collect();
    let usage = format!(
        "expected `#[modelrt_sdk::provider(<provider id>)]` on `impl Llm {{ .. }}` (or {})",
        names[1..].join(", ")
    );
    let provider: syn::Ident = syn::parse2(attr.clone())
        .map_err(|_| syn::Error::new(span_of(&attr), format!("{usage}: name the provider")))?;
    let block: syn::ItemImpl = syn::parse2(item)
        .map_err(|e| syn::Error::new(e.span(), format!("{usage}: this is not an impl block")))?;
    if let Some((_, path, _)) = &block.trait_ {
        return Err(syn::Error::new(
            path.span(),
            format!("{usage}: write `impl Llm`, not `impl Trait for Type`"),
        ));
    }
    if !block.generics.params.is_empty() || block.generics.where_clause.is_some() {
        return Err(syn::Error::new(
            block.generics.span(),
            format!("{usage}: the block takes no generics"),
        ));
    }
    let self_ty = &block.self_ty;
    let name = match &**self_ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.get_ident().map(ToString::to_string),
        _ => None,
    };
    let Some(found) = name.as_deref().and_then(Block::named) else {
        return Err(syn::Error::new(
            self_ty.span(),
            format!(
                "`impl {}` is not a block modelrt knows; expected one of: {}",
                self_ty.to_token_stream(),
                names.join(", ")
            ),
        ));
    };
    let span = self_ty.span();
    let module = format_ident!("{}", found.runtime_module);
    let protocol = format_ident!("{}", found.runtime_trait, span = span);
    let impl_trait = format_ident!("{}Impl", found.name, span = span);
    let constant = format_ident!("{}", found.constant);
    let alias = format_ident!("__modelrt_provider", span = span);
    let trait_path = quote_spanned!(span=> ::modelrt_sdk::runtime::#module::#protocol);
    let attrs = &block.attrs;
    let unsafety = &block.unsafety;
    let items: Vec<syn::ImplItem> = block.items.iter().cloned().map(boxed_async).collect();
    let impl_token = block.impl_token;
    let provider_path = quote_spanned!(provider.span()=> crate::providers::#provider);
    // The headers carry the span of the block's name, so rustc reports a missing method or an
    // undeclared block on `impl Llm` itself.
    let block = quote_spanned! {span=>
        #unsafety #impl_token #trait_path for #alias::Provider {
            #(#items)*
        }
    };
    let check = quote_spanned! {span=>
        impl #alias::#impl_trait for #alias::Provider {
            const #constant: &'static dyn #trait_path = &#alias::Provider;
        }
    };
    Ok(quote! {
        const _: () = {
            use #provider_path as #alias;

            #(#attrs)*
            #block

            #check
        };
    })
}

/// An `async fn` method as the protocol traits declare it: `fn m<'a>(&'a self, ..) ->
/// BoxFuture<'a, T>` whose body is the original one, boxed. Elided lifetimes (`'_`) in the
/// argument types become that lifetime, so `ctx: CallContext<'_>` borrows for as long as
/// `self`. Other items are left as they are.
fn boxed_async(item: syn::ImplItem) -> syn::ImplItem {
    let syn::ImplItem::Fn(mut method) = item else {
        return item;
    };
    let Some(asyncness) = method.sig.asyncness.take() else {
        return syn::ImplItem::Fn(method);
    };
    let span = asyncness.span;
    let lifetime = syn::Lifetime::new("'__modelrt", span);
    method.sig.generics.params.insert(
        0,
        syn::GenericParam::Lifetime(syn::LifetimeParam::new(lifetime.clone())),
    );
    for input in &mut method.sig.inputs {
        match input {
            syn::FnArg::Receiver(receiver) => {
                if let Some((_, elided @ None)) = &mut receiver.reference {
                    *elided = Some(lifetime.clone());
                }
            }
            syn::FnArg::Typed(argument) => {
                let ty = with_lifetime(argument.ty.to_token_stream(), &lifetime);
                if let Ok(ty) = syn::parse2(ty) {
                    *argument.ty = ty;
                }
            }
        }
    }
    let output = match &method.sig.output {
        syn::ReturnType::Default => quote_spanned!(span=> ()),
        syn::ReturnType::Type(_, ty) => ty.to_token_stream(),
    };
    method.sig.output = syn::parse_quote_spanned! {span=>
        -> ::modelrt_sdk::runtime::protocol::BoxFuture<#lifetime, #output>
    };
    let body = &method.block;
    method.block = syn::parse_quote_spanned!(span=> { ::std::boxed::Box::pin(async move #body) });
    syn::ImplItem::Fn(method)
}

/// `tokens` with every `'_` replaced by `lifetime`.
fn with_lifetime(tokens: TokenStream, lifetime: &syn::Lifetime) -> TokenStream {
    let mut out = Vec::new();
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Punct(p) if p.as_char() == '\'' => {
                let elided = matches!(tokens.peek(), Some(TokenTree::Ident(i)) if i == "_");
                if elided {
                    tokens.next();
                    out.extend(lifetime.to_token_stream());
                } else {
                    out.push(TokenTree::Punct(p));
                }
            }
            TokenTree::Group(g) => {
                let mut group = Group::new(g.delimiter(), with_lifetime(g.stream(), lifetime));
                group.set_span(g.span());
                out.push(TokenTree::Group(group));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

fn span_of(tokens: &TokenStream) -> Span {
    tokens
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_str(attr: &str, item: &str) -> String {
        let attr: TokenStream = attr.parse().expect("attr tokens");
        let item: TokenStream = item.parse().expect("item tokens");
        expand(attr, item).to_string()
    }

    #[test]
    fn a_block_becomes_the_protocol_impl_and_the_check() {
        let out = expand_str("acme", "impl Llm { fn invoke(&self) {} }");
        assert!(out.contains("use crate :: providers :: acme as __modelrt_provider"));
        assert!(out.contains(
            "impl :: modelrt_sdk :: runtime :: protocol :: LlmProtocol for __modelrt_provider :: Provider"
        ));
        assert!(out.contains("fn invoke (& self) { }"));
        assert!(
            out.contains("impl __modelrt_provider :: LlmImpl for __modelrt_provider :: Provider")
        );
        let hook = expand_str("acme", "impl RemoteModels {}");
        assert!(hook.contains("rust_impl :: RemoteModelsProtocol"));
        assert!(hook.contains("const HOOK"));
    }

    #[test]
    fn async_methods_become_boxed_futures_borrowing_self() {
        let out = expand_str(
            "acme",
            "impl Llm { async fn invoke(&self, ctx: CallContext<'_>, r: LlmRequest) -> Result<LlmResponse> { answer(ctx, r).await } }",
        );
        assert!(
            out.contains(
                "fn invoke < '__modelrt > (& '__modelrt self , ctx : CallContext < '__modelrt > , \
                 r : LlmRequest) -> :: modelrt_sdk :: runtime :: protocol :: BoxFuture < \
                 '__modelrt , Result < LlmResponse > >"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "{ :: std :: boxed :: Box :: pin (async move { answer (ctx , r) . await }) }"
            ),
            "{out}"
        );
        // Plain methods are left alone.
        let out = expand_str("acme", "impl Llm { fn count(&self) -> u64 { 0 } }");
        assert!(out.contains("fn count (& self) -> u64 { 0 }"), "{out}");
    }

    #[test]
    fn bad_input_is_one_error_and_the_block_compiled_out() {
        for (attr, item, message) in [
            (
                "acme",
                "impl Chat {}",
                "`impl Chat` is not a block modelrt knows",
            ),
            ("", "impl Llm {}", "name the provider"),
            ("\"acme\"", "impl Llm {}", "name the provider"),
            ("acme", "fn llm() {}", "this is not an impl block"),
            (
                "acme",
                "impl LlmProtocol for Acme {}",
                "not `impl Trait for Type`",
            ),
            ("acme", "impl<T> Llm {}", "the block takes no generics"),
        ] {
            let out = expand_str(attr, item);
            assert_eq!(out.matches("compile_error").count(), 1, "{out}");
            assert!(out.contains(message), "{out}");
            assert!(out.contains("# [cfg (any ())]"), "{out}");
        }
    }
}
