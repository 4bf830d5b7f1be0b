/** Thrown for a time zone name the runtime does not know. */
export class UnknownTimeZoneError extends Error {
  readonly code = 'SRV_UNKNOWN_TIME_ZONE';
  constructor(readonly zone: string) {
    super(`unknown time zone ${JSON.stringify(zone)}: use an IANA name such as Europe/Paris or America/New_York`);
  }
}

/** `2025-03-01 14:05:09 GMT+01:00` for the given instant in the given IANA zone. */
export function formatTimeInZone(instant: Date, zone: string): string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
  } catch (error) {
    if (error instanceof RangeError) throw new UnknownTimeZoneError(zone);
    throw error;
  }
  const part = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`;
}
