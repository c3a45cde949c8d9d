// Typeset the math that pymdownx.arithmatex (generic: true) leaves in the page, with the
// KaTeX copied into the site from jcmcalc/assets/katex (no CDN: the site works offline).
function typesetMath() {
  const options = {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "\\[", right: "\\]", display: true },
      { left: "\\(", right: "\\)", display: false },
    ],
    throwOnError: false,
  };
  for (const element of document.querySelectorAll(".arithmatex")) {
    renderMathInElement(element, options);
  }
}

if (typeof document$ !== "undefined") {
  document$.subscribe(typesetMath); // mkdocs-material: also after instant navigation
} else {
  document.addEventListener("DOMContentLoaded", typesetMath);
}
