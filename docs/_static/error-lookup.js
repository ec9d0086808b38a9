// The error index's lookup box, and the entries that match a pasted message first on the
// search page. A mirror of lossguide.error_index in the package (templates.py, messages.py,
// matching.py): the patterns, tables and word weights come from the index file
// (error-index.js, written by docs/_ext/error_entries.py), so only the steps are repeated
// here, in the same order. tests/website/browser/test_error_lookup.py checks that both rank
// the same entries in the same order.
"use strict";

(() => {
  const index = window.lossguideErrorIndex;
  if (!index || index.format !== 1) return;
  const settings = index.matching;
  const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);
  const TYPOGRAPHY = { "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " " };
  const namePattern = new RegExp(settings.name_pattern);
  const messageLine = new RegExp(settings.message_line_pattern);
  const messageEnd = new RegExp(settings.end_pattern);
  const telling = new Set(["dtype", "name"]);

  // templates.py

  const canonicalDtype = (spelling) => {
    let name = spelling.toLowerCase();
    if (name.startsWith("torch.")) name = name.slice("torch.".length);
    if (name.startsWith("cuda.")) name = name.slice("cuda.".length);
    if (name.endsWith("tensor")) name = name.slice(0, -"tensor".length);
    return has(settings.dtype_spellings, name) ? settings.dtype_spellings[name] : name;
  };

  const isName = (word, text, start, end) => {
    if (namePattern.test(word)) return true;
    const called = text.startsWith("(", end);
    const quoted = start > 0 && text[start - 1] === '"' && text.startsWith('"', end);
    return word.includes("_") && (called || quoted);
  };

  const tokenize = (text) => {
    text = text.replace(/[\u2018\u2019\u201c\u201d\u00a0]/g, (character) => TYPOGRAPHY[character]);
    const tokens = [];
    for (const match of text.matchAll(new RegExp(settings.token_pattern, "g"))) {
      let group = 1;
      while (match[group] === undefined) group += 1;
      const value = match[group];
      if (group <= settings.slot_kinds.length) {
        const kind = settings.slot_kinds[group - 1];
        tokens.push([kind, kind === "dtype" ? canonicalDtype(value) : value]);
      } else if (isName(value, text, match.index, match.index + value.length)) {
        tokens.push(["name", value]);
      } else {
        tokens.push(["word", value.toLowerCase()]);
      }
    }
    return tokens;
  };

  // messages.py

  const segments = (text) => {
    const tail = text.slice(-settings.max_chars);
    const found = [];
    let current = null;
    let warning = false;
    for (const line of tail.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/)) {
      const match = messageLine.exec(line);
      if (match) {
        if (current !== null) found.push(current.join("\n"));
        if (match[3] !== undefined) {
          found.push(match[3]);
          current = null;
        } else {
          current = [match[2]];
          warning = match[1].endsWith("Warning");
        }
      } else if (current !== null) {
        const indented = /^\s/.test(line);
        if (!line.trim() || messageEnd.test(line) || (warning && indented)) {
          found.push(current.join("\n"));
          current = null;
        } else {
          current.push(line);
        }
      }
    }
    if (current !== null) found.push(current.join("\n"));
    const messages = found.filter((segment) => segment.trim());
    return messages.length ? messages : [tail];
  };

  // matching.py

  const weightOf = (word) => (has(index.weights, word) ? index.weights[word] : 0);
  const family = (dtype) => (has(settings.dtype_families, dtype) ? settings.dtype_families[dtype] : undefined);

  const templates = index.entries.flatMap((entry, number) =>
    [
      ...entry.templates.map((stored) => [stored, 1]),
      ...entry.alias_templates.map((stored) => [stored, 0]),
    ].map(([stored, executed]) => {
      const tokens = stored.map((item) => (typeof item === "string" ? ["word", item] : [item[0], item[1]]));
      const words = new Set(tokens.filter(([kind]) => kind === "word").map(([, value]) => value));
      let anchor = null;
      tokens.forEach(([kind, value], offset) => {
        if (kind !== "word") return;
        if (anchor === null || weightOf(value) > weightOf(anchor[1])) anchor = [offset, value];
      });
      let weight = 0;
      for (const word of words) weight += weightOf(word);
      return { entry: number, executed, tokens, words, weight, anchor };
    }),
  );

  const compareKeys = (a, b) => {
    for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
      if (a[i] !== b[i]) return a[i] > b[i] ? 1 : -1;
    }
    return 0;
  };

  const bestAlignment = (template, tokens, positions) => {
    const length = template.tokens.length;
    let starts;
    if (template.anchor === null) {
      starts = Array.from({ length: Math.max(0, tokens.length - length + 1) }, (_, start) => start);
    } else {
      const [offset, word] = template.anchor;
      starts = (positions.get(word) || []).map((position) => position - offset);
    }
    let best = null;
    for (const start of starts) {
      if (start < 0 || start + length > tokens.length) continue;
      let mismatched = 0;
      let equal = 0;
      let matched = true;
      for (let j = 0; j < length; j += 1) {
        const [kind, value] = template.tokens[j];
        const [foundKind, foundValue] = tokens[start + j];
        if (kind !== foundKind || (kind === "word" && value !== foundValue)) {
          matched = false;
          break;
        }
        if (kind === "dtype" && family(value) !== family(foundValue)) mismatched += 1;
        if (telling.has(kind) && value === foundValue) equal += 1;
      }
      if (matched && (best === null || compareKeys([-mismatched, equal], [-best[0], best[1]]) > 0)) {
        best = [mismatched, equal];
      }
    }
    return best;
  };

  const templateKey = (template, tokens, positions, present, position) => {
    const alignment = bestAlignment(template, tokens, positions);
    if (alignment !== null) {
      return [1, 1.0, template.weight, -alignment[0], alignment[1], template.executed, position];
    }
    const found = [...template.words].filter((word) => present.has(word));
    if (!template.weight || found.length < settings.near_match_min_words) return null;
    let sum = 0;
    for (const word of found) sum += weightOf(word);
    const share = sum / template.weight;
    if (share < settings.near_match_share) return null;
    return [0, share, template.weight, 0, 0, template.executed, position];
  };

  // The entries that explain `text`, best first: what lossguide.explain returns.
  const explain = (text) => {
    const best = new Map();
    segments(String(text)).forEach((message, position) => {
      const tokens = tokenize(message);
      const positions = new Map();
      tokens.forEach(([kind, value], offset) => {
        if (kind !== "word") return;
        if (!positions.has(value)) positions.set(value, []);
        positions.get(value).push(offset);
      });
      const present = new Set(positions.keys());
      for (const template of templates) {
        const key = templateKey(template, tokens, positions, present, position);
        if (key === null) continue;
        const full = [...key, -template.entry];
        if (!best.has(template.entry) || compareKeys(key, best.get(template.entry).slice(0, -1)) > 0) {
          best.set(template.entry, full);
        }
      }
    });
    return [...best.entries()]
      .sort((a, b) => compareKeys(b[1], a[1]))
      .map(([entry]) => index.entries[entry]);
  };
  window.lossguideExplain = explain;

  // The page

  const contentRoot = document.documentElement.dataset.content_root || "";
  const suffix = (window.DOCUMENTATION_OPTIONS && DOCUMENTATION_OPTIONS.LINK_SUFFIX) || ".html";
  // From the entry's own page too: a link to the same page scrolls, without a reload.
  const href = (entry) => `${contentRoot}${entry.docname}${suffix}#${entry.anchor}`;

  // The index's prose marks code with backticks, as a terminal shows it; the page sets it as code.
  const withCode = (element, text) => {
    text.split("`").forEach((part, index) => {
      if (index % 2) element.appendChild(document.createElement("code")).textContent = part;
      else element.appendChild(document.createTextNode(part));
    });
    return element;
  };

  const resultItem = (entry, classes, label = "") => {
    const item = document.createElement("li");
    item.className = classes;
    const link = item.appendChild(document.createElement("a"));
    link.href = href(entry);
    link.textContent = entry.title;
    const cause = item.appendChild(document.createElement("span"));
    cause.className = "error-lookup-cause";
    withCode(cause, `${label}${entry.cause}`);
    return item;
  };

  const setUpBox = (input) => {
    const results = document.getElementById("error-lookup-results");
    const status = document.getElementById("error-lookup-status");
    // A text field drops the line breaks of what is pasted into it; a traceback needs them to
    // tell its message from its code, so the pasted text is kept while the field shows it.
    let pasted = null;
    input.addEventListener("paste", (event) => {
      const text = event.clipboardData && event.clipboardData.getData("text/plain");
      if (!text) return;
      event.preventDefault();
      pasted = text;
      input.value = text.replace(/[\r\n]+/g, " ");
      input.dispatchEvent(new Event("input"));
    });
    const update = () => {
      const shown = input.value;
      const text = pasted !== null && pasted.replace(/[\r\n]+/g, " ") === shown ? pasted : shown;
      results.replaceChildren();
      if (!text.trim()) {
        status.textContent = "";
        return;
      }
      const found = explain(text);
      for (const entry of found) results.appendChild(resultItem(entry, "error-lookup-result"));
      status.textContent = found.length
        ? `${found.length === 1 ? "One entry explains" : `${found.length} entries may explain`} this message, best first:`
        : "No entry of this page explains this message yet.";
    };
    input.addEventListener("input", update);
    update();
  };

  // The search page: Sphinx's search needs every word of the query on one page, which the
  // sizes and indices inside a pasted message defeat; the entries that match go first.
  const setUpSearch = () => {
    const query = new URLSearchParams(window.location.search).get("q");
    const output = document.getElementById("search-results");
    if (!query || !output) return;
    const found = explain(query);
    if (!found.length) return;
    const insert = () => {
      const list = output.querySelector("ul.search");
      if (!list) return false;
      const first = list.firstChild;
      for (const entry of found) {
        list.insertBefore(resultItem(entry, "kind-title error-index-match", "Error index: "), first);
      }
      return true;
    };
    const correctSummary = () => {
      const summary = output.querySelector(".search-summary");
      if (summary && !summary.dataset.errorIndex && /did not match/.test(summary.textContent)) {
        summary.dataset.errorIndex = "";
        summary.textContent = `${found.length === 1 ? "One entry" : `${found.length} entries`} of the error index match the message.`;
      }
    };
    if (!insert()) {
      const observer = new MutationObserver(() => {
        if (output.querySelector("ul.search")) {
          observer.disconnect();
          insert();
          new MutationObserver(correctSummary).observe(output, { childList: true, subtree: true, characterData: true });
        }
      });
      observer.observe(output, { childList: true, subtree: true });
    }
  };

  const start = () => {
    const input = document.getElementById("error-lookup");
    if (input) setUpBox(input);
    setUpSearch();
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
