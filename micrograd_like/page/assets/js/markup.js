// @ts-check
/* What a panel shows, as plain data: a tree of {tag, attrs, children} that views.js turns into
 * DOM elements (text always as text nodes, never parsed as HTML) and tests read as text. */

/**
 * @typedef {object} VNode
 * @property {string} tag
 * @property {Record<string, string>} attrs
 * @property {Array<VNode | string>} children
 */

/** An element: h("p", {class: "mg-note"}, ["text", h("br")]).
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {Array<VNode | string>} [children]
 * @returns {VNode} */
export function h(tag, attrs, children) {
  return { tag, attrs: attrs || {}, children: children || [] };
}

/** The text a reader sees (as the DOM's textContent).
 * @param {VNode | string | Array<VNode | string>} node
 * @returns {string} */
export function textOf(node) {
  if (typeof node === "string") return node;
  if (Array.isArray(node)) return node.map(textOf).join("");
  return node.children.map(textOf).join("");
}
