/**
 * The installation check the reconciler makes just before it removes anything: that no other live
 * server has this installation's id on the same engine (a copied data directory, a restored backup).
 */
export interface InstallationCheck {
  /** Renews this run's marker; throws while another run of this installation is live. */
  assertAlone(): Promise<void>;
}
