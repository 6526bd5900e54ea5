import { useEffect, useId, useRef, useState } from 'react';
import { DayPicker } from 'react-day-picker';
import { tr as trLocale, enUS } from 'react-day-picker/locale';
import 'react-day-picker/style.css';
import { formatDate, parseTurkishDate, turkeyToday } from '../format';
import { useLanguage, useT } from '../i18n';

interface Props {
  label: string;
  name: string;
  /** YYYY-MM-DD or empty. */
  value: string;
  onChange(value: string): void;
}

const toDate = (iso: string): Date | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : undefined;
};
const toIso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/**
 * A date typed and shown as gg.aa.yyyy with a calendar that starts on Monday and names the months in Turkish,
 * whatever the browser's language: a native <input type="date"> would follow the browser's locale instead.
 */
export function DateField({ label, name, value, onChange }: Props) {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  const [text, setText] = useState(formatDate(value));
  const [open, setOpen] = useState(false);
  const [invalid, setInvalid] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const id = useId();

  useEffect(() => setText(formatDate(value)), [value]);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  const commit = () => {
    const iso = parseTurkishDate(text);
    if (iso === undefined) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    onChange(iso);
    setText(formatDate(iso));
  };

  const selected = toDate(value);
  return (
    <div className="date-field" ref={box}>
      <label htmlFor={id}>{label}</label>
      <div className="date-input">
        <input
          id={id}
          name={name}
          inputMode="numeric"
          placeholder={t('date.placeholder')}
          value={text}
          aria-invalid={invalid}
          onChange={(e) => setText(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
          }}
        />
        <button type="button" className="date-open" aria-label={`${label}: ${t('date.open')}`} aria-expanded={open} onClick={() => setOpen(!open)}>
          <svg className="date-icon" viewBox="0 0 16 16" aria-hidden="true">
            <rect x="1.5" y="3" width="13" height="11.5" rx="1.5" />
            <path d="M1.5 6.5h13M5 1.5v3M11 1.5v3" />
          </svg>
        </button>
      </div>
      {invalid ? <span className="field-error">{t('date.invalid')}</span> : null}
      {open ? (
        <div className="date-popover" role="dialog" aria-label={label}>
          <DayPicker
            mode="single"
            locale={lang === 'en' ? enUS : trLocale}
            weekStartsOn={1}
            selected={selected}
            defaultMonth={selected ?? toDate(turkeyToday())}
            onSelect={(d) => {
              const iso = d ? toIso(d) : '';
              setInvalid(false);
              onChange(iso);
              setText(formatDate(iso));
              setOpen(false);
            }}
          />
        </div>
      ) : null}
    </div>
  );
}
