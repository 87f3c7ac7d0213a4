// japanese-holidays ships no type declarations; this declares the one function kosai uses.
declare module "japanese-holidays" {
  /** One holiday of a year: month 1-12, date 1-31, Japanese name. */
  export interface HolidayOfYear {
    month: number;
    date: number;
    name: string;
  }
  /**
   * The holidays of a Japanese calendar year, computed from the rules of the National Holidays Act.
   * With `furikae` true (the default) the list includes substitute holidays (振替休日) and
   * citizens' holidays (国民の休日).
   */
  export function getHolidaysOf(year: number, furikae?: boolean): HolidayOfYear[];
}
