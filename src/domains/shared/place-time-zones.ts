/**
 * The time zone of a postal address that names none: where most of its region's (or country's)
 * people live. A customer's day is counted there rather than in UTC, which ends a New York
 * customer's day at 19:00 and a Los Angeles customer's at 16:00. It is a fallback: a state or country
 * that spans zones gets its most populous one (Texas is Central, though El Paso is Mountain), so an
 * address or ship-to that knows its zone should say so.
 */

/** United States: states, the District of Columbia and the territories, by USPS code. */
const US: Readonly<Record<string, string>> = {
  AL: 'America/Chicago', AK: 'America/Anchorage', AZ: 'America/Phoenix', AR: 'America/Chicago', CA: 'America/Los_Angeles',
  CO: 'America/Denver', CT: 'America/New_York', DE: 'America/New_York', DC: 'America/New_York', FL: 'America/New_York',
  GA: 'America/New_York', HI: 'Pacific/Honolulu', ID: 'America/Boise', IL: 'America/Chicago', IN: 'America/Indiana/Indianapolis',
  IA: 'America/Chicago', KS: 'America/Chicago', KY: 'America/New_York', LA: 'America/Chicago', ME: 'America/New_York',
  MD: 'America/New_York', MA: 'America/New_York', MI: 'America/Detroit', MN: 'America/Chicago', MS: 'America/Chicago',
  MO: 'America/Chicago', MT: 'America/Denver', NE: 'America/Chicago', NV: 'America/Los_Angeles', NH: 'America/New_York',
  NJ: 'America/New_York', NM: 'America/Denver', NY: 'America/New_York', NC: 'America/New_York', ND: 'America/Chicago',
  OH: 'America/New_York', OK: 'America/Chicago', OR: 'America/Los_Angeles', PA: 'America/New_York', RI: 'America/New_York',
  SC: 'America/New_York', SD: 'America/Chicago', TN: 'America/Chicago', TX: 'America/Chicago', UT: 'America/Denver',
  VT: 'America/New_York', VA: 'America/New_York', WA: 'America/Los_Angeles', WV: 'America/New_York', WI: 'America/Chicago',
  WY: 'America/Denver', PR: 'America/Puerto_Rico', VI: 'America/St_Thomas', GU: 'Pacific/Guam', AS: 'Pacific/Pago_Pago',
  MP: 'Pacific/Saipan',
};

/** The full names of the states, as some channels send them. */
const US_NAMES: Readonly<Record<string, string>> = {
  ALABAMA: 'AL', ALASKA: 'AK', ARIZONA: 'AZ', ARKANSAS: 'AR', CALIFORNIA: 'CA', COLORADO: 'CO', CONNECTICUT: 'CT', DELAWARE: 'DE',
  'DISTRICT OF COLUMBIA': 'DC', FLORIDA: 'FL', GEORGIA: 'GA', HAWAII: 'HI', IDAHO: 'ID', ILLINOIS: 'IL', INDIANA: 'IN', IOWA: 'IA',
  KANSAS: 'KS', KENTUCKY: 'KY', LOUISIANA: 'LA', MAINE: 'ME', MARYLAND: 'MD', MASSACHUSETTS: 'MA', MICHIGAN: 'MI', MINNESOTA: 'MN',
  MISSISSIPPI: 'MS', MISSOURI: 'MO', MONTANA: 'MT', NEBRASKA: 'NE', NEVADA: 'NV', 'NEW HAMPSHIRE': 'NH', 'NEW JERSEY': 'NJ',
  'NEW MEXICO': 'NM', 'NEW YORK': 'NY', 'NORTH CAROLINA': 'NC', 'NORTH DAKOTA': 'ND', OHIO: 'OH', OKLAHOMA: 'OK', OREGON: 'OR',
  PENNSYLVANIA: 'PA', 'RHODE ISLAND': 'RI', 'SOUTH CAROLINA': 'SC', 'SOUTH DAKOTA': 'SD', TENNESSEE: 'TN', TEXAS: 'TX', UTAH: 'UT',
  VERMONT: 'VT', VIRGINIA: 'VA', WASHINGTON: 'WA', 'WEST VIRGINIA': 'WV', WISCONSIN: 'WI', WYOMING: 'WY', 'PUERTO RICO': 'PR',
};

/** Canada: provinces and territories, by postal abbreviation and by name. */
const CA: Readonly<Record<string, string>> = {
  AB: 'America/Edmonton', BC: 'America/Vancouver', MB: 'America/Winnipeg', NB: 'America/Moncton', NL: 'America/St_Johns',
  NS: 'America/Halifax', NT: 'America/Edmonton', NU: 'America/Iqaluit', ON: 'America/Toronto', PE: 'America/Halifax',
  QC: 'America/Toronto', SK: 'America/Regina', YT: 'America/Whitehorse',
};
const CA_NAMES: Readonly<Record<string, string>> = {
  ALBERTA: 'AB', 'BRITISH COLUMBIA': 'BC', MANITOBA: 'MB', 'NEW BRUNSWICK': 'NB', 'NEWFOUNDLAND AND LABRADOR': 'NL', 'NOVA SCOTIA': 'NS',
  'NORTHWEST TERRITORIES': 'NT', NUNAVUT: 'NU', ONTARIO: 'ON', 'PRINCE EDWARD ISLAND': 'PE', QUEBEC: 'QC', QUÉBEC: 'QC',
  SASKATCHEWAN: 'SK', YUKON: 'YT',
};

/** Australia: states and territories. */
const AU: Readonly<Record<string, string>> = {
  NSW: 'Australia/Sydney', ACT: 'Australia/Sydney', VIC: 'Australia/Melbourne', QLD: 'Australia/Brisbane', SA: 'Australia/Adelaide',
  WA: 'Australia/Perth', TAS: 'Australia/Hobart', NT: 'Australia/Darwin',
};

/** Countries by ISO 3166-1 alpha-2 code, where one zone serves (nearly) everyone. */
const COUNTRY: Readonly<Record<string, string>> = {
  GB: 'Europe/London', IE: 'Europe/Dublin', FR: 'Europe/Paris', DE: 'Europe/Berlin', NL: 'Europe/Amsterdam', BE: 'Europe/Brussels',
  LU: 'Europe/Luxembourg', CH: 'Europe/Zurich', AT: 'Europe/Vienna', IT: 'Europe/Rome', ES: 'Europe/Madrid', PT: 'Europe/Lisbon',
  DK: 'Europe/Copenhagen', SE: 'Europe/Stockholm', NO: 'Europe/Oslo', FI: 'Europe/Helsinki', IS: 'Atlantic/Reykjavik',
  PL: 'Europe/Warsaw', CZ: 'Europe/Prague', SK: 'Europe/Bratislava', HU: 'Europe/Budapest', RO: 'Europe/Bucharest', BG: 'Europe/Sofia',
  GR: 'Europe/Athens', EE: 'Europe/Tallinn', LV: 'Europe/Riga', LT: 'Europe/Vilnius', SI: 'Europe/Ljubljana', HR: 'Europe/Zagreb',
  TR: 'Europe/Istanbul', IL: 'Asia/Jerusalem', AE: 'Asia/Dubai', SA: 'Asia/Riyadh', IN: 'Asia/Kolkata', CN: 'Asia/Shanghai',
  HK: 'Asia/Hong_Kong', TW: 'Asia/Taipei', JP: 'Asia/Tokyo', KR: 'Asia/Seoul', SG: 'Asia/Singapore', MY: 'Asia/Kuala_Lumpur',
  TH: 'Asia/Bangkok', VN: 'Asia/Ho_Chi_Minh', PH: 'Asia/Manila', NZ: 'Pacific/Auckland', ZA: 'Africa/Johannesburg', EG: 'Africa/Cairo',
  NG: 'Africa/Lagos', KE: 'Africa/Nairobi', MX: 'America/Mexico_City', BR: 'America/Sao_Paulo', CO: 'America/Bogota', PE: 'America/Lima',
  CL: 'America/Santiago', AR: 'America/Argentina/Buenos_Aires', CR: 'America/Costa_Rica', PA: 'America/Panama',
  GT: 'America/Guatemala', DO: 'America/Santo_Domingo', JM: 'America/Jamaica',
};

/** Countries whose regions the tables above tell apart, with their regions' names. */
const BY_REGION: Readonly<Record<string, { codes: Readonly<Record<string, string>>; names?: Readonly<Record<string, string>> }>> = {
  US: { codes: US, names: US_NAMES },
  CA: { codes: CA, names: CA_NAMES },
  AU: { codes: AU },
};

/** Every zone the tables name, for the test that the runtime knows each one. */
export const placeTimeZones = (): string[] => [...new Set([...Object.values(BY_REGION).flatMap((r) => Object.values(r.codes)), ...Object.values(COUNTRY)])];

/**
 * The zone most people of an address's region live in (`country` an ISO 3166-1 alpha-2 code,
 * `region` a state or province code or name, in any case); undefined when the tables do not know
 * the place.
 */
export function timeZoneOfPlace(country: string, region?: string): string | undefined {
  const countryCode = country.toUpperCase();
  const byRegion = Object.hasOwn(BY_REGION, countryCode) ? BY_REGION[countryCode] : undefined;
  if (byRegion === undefined) return Object.hasOwn(COUNTRY, countryCode) ? COUNTRY[countryCode] : undefined;
  if (region === undefined) return undefined;
  const key = region.trim().toUpperCase();
  const code = byRegion.names !== undefined && Object.hasOwn(byRegion.names, key) ? byRegion.names[key]! : key;
  return Object.hasOwn(byRegion.codes, code) ? byRegion.codes[code] : undefined;
}
