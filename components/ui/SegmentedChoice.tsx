/** A small set of mutually exclusive options as one segmented control (radio buttons). */
export function SegmentedChoice<T extends string>({
  legend,
  name,
  options,
  value,
  onChange,
  className = "",
}: {
  legend: string;
  name: string;
  options: readonly { value: T; label: string }[];
  value: T;
  onChange: (value: T) => void;
  className?: string;
}) {
  return (
    <fieldset className={`segmented ${className}`.trim()}>
      <legend className="visually-hidden">{legend}</legend>
      {options.map((o) => (
        <label key={o.value} className={value === o.value ? "on" : ""}>
          <input
            type="radio"
            name={name}
            value={o.value}
            checked={value === o.value}
            onChange={() => onChange(o.value)}
          />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}
