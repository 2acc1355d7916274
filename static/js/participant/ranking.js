// The revealed results on a phone: a compact ranking (the server's order), with the dots as a bar
// and a number, the risk score when the workshop scores risks, and this phone's own dots marked.

const fmt = (text, params) => String(text).replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? ""));

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** list: the <ol>; lead: its intro line; res: state.results; dots: the phone's own ({map}). */
export function renderRanking(list, lead, res, { T, dots, mode }) {
  const V = T.vote;
  const rows = (res.items || []).slice().sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
  const max = Math.max(1, ...rows.map((r) => r.dots || 0));
  lead.textContent = mode === "risk" ? V.results_lead_risk : V.results_lead;
  list.replaceChildren(
    ...rows.map((row) => {
      const li = el("li", "vres");
      const mine = dots.map.get(`${row.target_type}:${row.target_id}`) || 0;
      li.classList.toggle("vres--mine", mine > 0);
      const body = el("div", "vres__body");
      const facts = el("p", "vres__facts");
      if (mode !== "risk") {
        const bar = el("span", "vres__bar");
        bar.setAttribute("aria-hidden", "true");
        bar.style.setProperty("--w", `${Math.round(((row.dots || 0) / max) * 100)}%`);
        facts.append(bar);
      }
      if (mode !== "dots" && row.risk_score != null) {
        const score = Math.round(row.risk_score * 10) / 10;
        facts.append(el("span", "vres__risk", fmt(V.risk_score, { score, likelihood: row.likelihood, impact: row.impact })));
      }
      if (mine) facts.append(el("span", "vres__yours", fmt(V.yours, { count: mine })));
      body.append(el("p", "vres__title", row.title || T.untitled), facts);
      li.append(el("span", "vres__rank", String(row.rank ?? "")), body);
      if (mode !== "risk") li.append(el("span", "vres__dots", row.dots === 1 ? V.dots_one : fmt(V.dots_many, { count: row.dots || 0 })));
      return li;
    }),
  );
}
