// How search reads text: case and diacritics folded away ("Résumé" is "resume"),
// words split on anything that is not a letter or digit, and runs of Chinese or
// Japanese (written without spaces) cut into overlapping character pairs, so a
// word of two or more characters is found wherever it stands.
//
// A pair is stored spelled in hex behind a private-use mark ("一丁" is
// "\ue000" + "04e00" + "04e01"): the index's radix tree then branches at most
// sixteen ways at a level. Stored as themselves, pairs of thousands of distinct
// characters made nodes of thousands of branches, and the tree scans a node's
// branches on every insert: one long Chinese text took seconds to index.

/** Scripts written without spaces between words. */
const unspaced = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30fc]/u;
const wordChars = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * Folding: marks removed after canonical decomposition, lower case, and the
 * final sigma as any sigma (lower-casing a whole Greek word would make its
 * last Σ a ς, one character at a time a σ: both are σ here).
 */
function foldChar(ch: string): string {
  return ch.normalize('NFD').replace(marks, '').toLowerCase().replace(finalSigma, 'σ');
}
const marks = /\p{M}/gu;
const finalSigma = /ς/g;

/** Only ASCII: folding it is lower-casing it, one character for one. */
const ascii = /^\p{ASCII}*$/u;

/** Text folded as search compares it; `map[i]` is where folded character i came from. */
export function fold(text: string): { folded: string; map: number[] } {
  if (ascii.test(text)) {
    return {
      folded: text.toLowerCase(),
      map: Array.from({ length: text.length + 1 }, (_, i) => i),
    };
  }
  let folded = '';
  const map: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = foldChar(ch);
    for (let k = 0; k < f.length; k++) map.push(i);
    folded += f;
    i += ch.length;
  }
  map.push(i);
  return { folded, map };
}

/**
 * `fold(text).folded`, made in whole-string passes: a character at a time costs
 * some ten times as much, and a phrase check folds every text it looks at.
 */
export const foldText = (text: string): string =>
  ascii.test(text)
    ? text.toLowerCase()
    : text.normalize('NFD').replace(marks, '').toLowerCase().replace(finalSigma, 'σ');

/** What starts a Chinese or Japanese term (never in a word: it is not a letter). */
const unspacedMark = '\ue000';

/** True for a character of a script written without spaces. */
export const isUnspacedScript = (ch: string) => unspaced.test(ch);

/** One character of a script stored as pairs, as the index spells it. */
const spell = (ch: string) => (ch.codePointAt(0) ?? 0).toString(16).padStart(5, '0');

/** True for a term of a script stored as pairs (Chinese, Japanese). */
export const isUnspacedTerm = (term: string) => term.startsWith(unspacedMark);

/** The characters a term stands for, as typed (its spelled form undone). */
export function termText(term: string): string {
  if (!isUnspacedTerm(term)) return term;
  let out = '';
  for (let i = 1; i + 5 <= term.length; i += 5) {
    out += String.fromCodePoint(Number.parseInt(term.slice(i, i + 5), 16));
  }
  return out;
}

/** How many characters a term stands for. */
export const termLength = (term: string) =>
  isUnspacedTerm(term) ? (term.length - 1) / 5 : term.length;

export interface Token {
  term: string;
  /** [start, end) in the folded text. */
  start: number;
  end: number;
}

/** The terms of already folded text, with where each stands. */
export function tokensOf(folded: string): Token[] {
  const out: Token[] = [];
  for (const m of folded.matchAll(wordChars)) {
    const word = m[0];
    const at = m.index ?? 0;
    if (!unspaced.test(word)) {
      out.push({ term: word, start: at, end: at + word.length });
      continue;
    }
    // Split into runs of spaced and unspaced script; unspaced runs become pairs.
    const chars = [...word];
    let run: string[] = [];
    let runStart = at;
    let offset = at;
    let runUnspaced = false;
    const flush = () => {
      if (run.length === 0) return;
      if (!runUnspaced) {
        const t = run.join('');
        out.push({ term: t, start: runStart, end: runStart + t.length });
      } else if (run.length === 1) {
        const a = run[0] as string;
        out.push({ term: unspacedMark + spell(a), start: runStart, end: runStart + a.length });
      } else {
        let p = runStart;
        for (let k = 0; k + 1 < run.length; k++) {
          const a = run[k] as string;
          const b = run[k + 1] as string;
          const term = unspacedMark + spell(a) + spell(b);
          out.push({ term, start: p, end: p + a.length + b.length });
          p += a.length;
        }
      }
      run = [];
    };
    for (const ch of chars) {
      const u = unspaced.test(ch);
      if (run.length > 0 && u !== runUnspaced) flush();
      if (run.length === 0) {
        runStart = offset;
        runUnspaced = u;
      }
      run.push(ch);
      offset += ch.length;
    }
    flush();
  }
  return out;
}

/** The index's tokenizer: folded terms of raw text (also used for queries). */
export const tokenize = (text: string): string[] => tokensOf(foldText(text)).map((t) => t.term);

/** Folded text with every run of non-word characters one space: what phrases are checked in. */
export function phraseForm(text: string): string {
  return tokensOfWords(foldText(text));
}

function tokensOfWords(folded: string): string {
  return (folded.match(wordChars) ?? []).join(' ');
}

/** Words one search looks up at most (the longest): each costs a pass over the texts it prefixes. */
export const maxSearchWords = 8;

/** True for a term of one character of a script stored as pairs (Chinese, Japanese). */
export const isUnspacedChar = (term: string) => isUnspacedTerm(term) && termLength(term) === 1;

export interface ParsedQuery {
  /**
   * The words looked up in the index, each once, the maxSearchWords longest: every
   * word outside quotes, and of each quoted phrase its first word and its longest
   * other one (the phrase check holds the rest to what the phrase says).
   */
  words: string[];
  /** Quoted phrases, in phrase form: each must appear as it is. */
  phrases: string[];
  /** The last word outside quotes, the one being typed: a prefix even of one letter. */
  typing: string | null;
}

/** Splits a query into the words it looks up and its "quoted phrases". */
export function parseQuery(q: string): ParsedQuery {
  const phrases: string[] = [];
  const words = new Set<string>();
  for (const m of q.matchAll(/"([^"]*)"/g)) {
    const p = phraseForm(m[1] ?? '');
    if (!p) continue;
    phrases.push(p);
    const [first, ...others] = tokenize(m[1] ?? '');
    if (first) words.add(first);
    // A last word of one letter the phrase check takes as the start of a word.
    const last = others.at(-1);
    if (last !== undefined && termLength(last) === 1) others.pop();
    const longest = others.reduce<string | null>(
      (l, w) => (l && termLength(l) >= termLength(w) ? l : w),
      null,
    );
    if (longest) words.add(longest);
  }
  const outside = tokenize(q.replaceAll(/"[^"]*"/g, ' ').replaceAll('"', ' '));
  for (const w of outside) words.add(w);
  // The longest are the most telling; shorter ones past them ("i", "my", "the") go.
  const kept = [...words].sort((a, b) => termLength(b) - termLength(a)).slice(0, maxSearchWords);
  return { words: kept, phrases, typing: outside.at(-1) ?? null };
}
