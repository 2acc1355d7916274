// Viewpoint colours on server-rendered pages without a page module of their own (join form,
// console lists). The colour travels in data-vp-colour: the CSP allows no style attributes, but
// setting a custom property through the CSSOM is allowed.
for (const node of document.querySelectorAll("[data-vp-colour]")) {
  const colour = node.dataset.vpColour;
  if (/^#[0-9a-fA-F]{6}$/.test(colour || "")) node.style.setProperty("--vp", colour);
}
