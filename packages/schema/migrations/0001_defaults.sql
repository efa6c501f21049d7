-- MLflow's "Default" experiment exists from the start, with id 0, as on MLflow's own server.
INSERT OR IGNORE INTO `experiments` (`experiment_id`, `name`, `artifact_location`, `lifecycle_stage`, `creation_time`, `last_update_time`)
VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', cast(unixepoch('subsec') * 1000 as integer), cast(unixepoch('subsec') * 1000 as integer));
--> statement-breakpoint
-- A logged param can never change value (MLflow's rule). Checking inside the write makes the rule
-- hold under concurrent writers: the batch that tries to change a value aborts as a whole.
CREATE TRIGGER `params_value_is_immutable` BEFORE INSERT ON `params`
WHEN EXISTS (SELECT 1 FROM `params` WHERE `run_uuid` = NEW.`run_uuid` AND `key` = NEW.`key` AND `value` IS NOT NEW.`value`)
BEGIN SELECT RAISE(ABORT, 'EDGEFLOW_PARAM_CONFLICT'); END;
