// The search box (Ctrl/⌘+K): finds chats by title and messages by what they say,
// grouped by chat, with the matched words marked. Arrow keys move through the
// hits, Enter opens one (scrolled to that message), Escape closes. Loaded lazily.

import { keepPreviousData } from '@tanstack/react-query';
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import { describeError, retryQuery } from '../trpc/errors';
import { trpc } from '../trpc/trpc';
import { Icon } from '../ui/Icon';
import { Spinner } from '../ui/Spinner';
import { groupHits, type SearchHit, snippetParts } from './groupHits';
import { openHit } from './jump';
import './search.css';

const debounceMs = 150;
/** The server's searchLimits.queryMax; importing @parley/shared here would bring zod into this chunk. */
const queryMax = 200;

function useDebounced(value: string): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), debounceMs);
    return () => clearTimeout(t);
  }, [value]);
  return settled;
}

function Snippet({ hit }: { hit: SearchHit }) {
  return (
    <span className="search-hit__snippet">
      {snippetParts(hit.snippet, hit.highlights).map((p, i) =>
        p.marked ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts never reorder
          <mark key={i}>{p.text}</mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts never reorder
          <span key={i}>{p.text}</span>
        ),
      )}
    </span>
  );
}

interface SearchDialogProps {
  onClose: () => void;
  /** What was typed while this box loaded (SearchSeed): the search starts from it. */
  seed?: { current: string };
}

export default function SearchDialog({ onClose, seed }: SearchDialogProps) {
  const [text, setText] = useState(() => seed?.current ?? '');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const q = useDebounced(text.trim()).slice(0, queryMax);
  const search = trpc.search.query.useInfiniteQuery(
    { q, limit: 20 },
    {
      enabled: q.length > 0,
      getNextPageParam: (page) => page.nextCursor,
      placeholderData: keepPreviousData,
      // Refused only while this user's other searches run (8 at a time): asked again shortly.
      retry: (count, error) => retryQuery(count, error, 3),
      // While the index is being built, ask again until it is done.
      refetchInterval: (query) => (query.state.data?.pages.at(-1)?.indexing ? 1_000 : false),
    },
  );
  const hits = useMemo(() => search.data?.pages.flatMap((p) => p.items) ?? [], [search.data]);
  const groups = useMemo(() => groupHits(hits), [hits]);
  const indexing = search.data?.pages.at(-1)?.indexing ?? false;
  const cut = search.data?.pages.at(-1)?.cut === true;

  useEffect(() => {
    const el = input.current;
    el?.focus();
    el?.setSelectionRange(el.value.length, el.value.length);
  }, []);
  useEffect(() => {
    list.current?.querySelector(`[data-hit="${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  const choose = (hit: SearchHit | undefined) => {
    if (!hit) return;
    onClose();
    openHit(hit.session.id, hit.message?.seq ?? null);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((i) => Math.min(hits.length - 1, i + 1));
      if (active >= hits.length - 2 && search.hasNextPage && !search.isFetchingNextPage)
        void search.fetchNextPage();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => Math.max(0, i - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(hits[active]);
    }
  };

  const shownQuery = text.trim();
  let status = '';
  if (shownQuery && search.isError) status = describeError(search.error);
  else if (shownQuery && cut)
    status = 'The search stopped early: these are the matches found so far. More words narrow it.';
  else if (shownQuery && search.data && hits.length === 0 && !indexing)
    status = `Nothing found for “${q}”.`;

  return (
    // The backdrop closes on click; the keyboard path is Escape, handled on the dialog.
    // biome-ignore lint/a11y/noStaticElementInteractions: backdrop click only
    // biome-ignore lint/a11y/useKeyWithClickEvents: Escape closes, see onKeyDown
    <div className="search-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="search-dialog"
        role="dialog"
        aria-modal="true"
        aria-label="Search chats and messages"
        onKeyDown={onKeyDown}
      >
        <div className="search-dialog__field">
          <Icon name="search" size={18} />
          <input
            ref={input}
            type="search"
            role="combobox"
            aria-expanded={hits.length > 0}
            aria-controls="search-results"
            aria-activedescendant={hits.length > 0 ? `search-hit-${active}` : undefined}
            aria-autocomplete="list"
            aria-label="Search chats and messages"
            placeholder="Search chats and messages"
            maxLength={queryMax}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setActive(0);
            }}
          />
          {search.isFetching && <Spinner label="Searching" />}
        </div>
        <p className="search-dialog__status" role="status">
          {indexing ? 'Indexing… results so far' : status}
        </p>
        <div ref={list} id="search-results" className="search-results" role="listbox">
          {groups.map((group) => (
            // biome-ignore lint/a11y/useSemanticElements: a group of options inside a listbox
            <div key={group.sessionId} role="group" aria-label={group.title}>
              <p className="search-results__chat" aria-hidden="true">
                {group.title}
              </p>
              {group.hits.map(({ hit, index }) => (
                // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox input handles keys
                <div
                  key={hit.message?.id ?? `title:${hit.session.id}`}
                  id={`search-hit-${index}`}
                  data-hit={index}
                  role="option"
                  tabIndex={-1}
                  aria-selected={index === active}
                  className={`search-hit${index === active ? ' search-hit--active' : ''}`}
                  onMouseMove={() => setActive(index)}
                  onClick={() => choose(hit)}
                >
                  <span className="search-hit__kind">
                    {hit.message ? hit.message.role : 'title'}
                  </span>
                  <Snippet hit={hit} />
                </div>
              ))}
            </div>
          ))}
          {search.hasNextPage && (
            <button
              type="button"
              className="button button--small search-results__more"
              onClick={() => void search.fetchNextPage()}
            >
              More results
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
