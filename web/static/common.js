// What the Horizon pages share (loaded by app.js and people.js as a module). Scraped text is only
// ever inserted as text (textContent, text nodes).

export const $ = (id) => document.getElementById(id);

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

export function safeLink(url) {
  return /^https?:\/\//i.test(url) ? url : "#";
}
