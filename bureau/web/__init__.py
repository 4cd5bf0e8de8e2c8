"""The web areas: one package per URL prefix, one blueprint each, thin views that parse
input, call the domain and render; `common/` holds what the areas share."""
