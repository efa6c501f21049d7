CREATE TABLE `gateway_endpoint_models` (
	`mapping_id` text PRIMARY KEY NOT NULL,
	`endpoint_id` text NOT NULL,
	`model_definition_id` text NOT NULL,
	`weight` real DEFAULT 1 NOT NULL,
	`linkage_type` text DEFAULT 'PRIMARY' NOT NULL,
	`fallback_order` integer,
	`created_at` integer NOT NULL,
	`created_by` text,
	FOREIGN KEY (`endpoint_id`) REFERENCES `gateway_endpoints`(`endpoint_id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`model_definition_id`) REFERENCES `gateway_model_definitions`(`model_definition_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gateway_endpoint_models_link` ON `gateway_endpoint_models` (`endpoint_id`,`model_definition_id`,`linkage_type`);--> statement-breakpoint
CREATE INDEX `gateway_endpoint_models_definition` ON `gateway_endpoint_models` (`model_definition_id`);--> statement-breakpoint
CREATE TABLE `gateway_endpoint_tags` (
	`endpoint_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`endpoint_id`, `key`),
	FOREIGN KEY (`endpoint_id`) REFERENCES `gateway_endpoints`(`endpoint_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `gateway_endpoints` (
	`endpoint_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`routing_strategy` text,
	`fallback_config` text,
	`experiment_id` integer,
	`usage_tracking` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`last_updated_at` integer NOT NULL,
	`created_by` text,
	`last_updated_by` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gateway_endpoints_name_unique` ON `gateway_endpoints` (`name`);--> statement-breakpoint
CREATE TABLE `gateway_model_definitions` (
	`model_definition_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`secret_id` text,
	`provider` text NOT NULL,
	`model_name` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_updated_at` integer NOT NULL,
	`created_by` text,
	`last_updated_by` text,
	FOREIGN KEY (`secret_id`) REFERENCES `gateway_secrets`(`secret_id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gateway_model_definitions_name_unique` ON `gateway_model_definitions` (`name`);--> statement-breakpoint
CREATE INDEX `gateway_model_definitions_secret` ON `gateway_model_definitions` (`secret_id`);--> statement-breakpoint
CREATE TABLE `gateway_rate_windows` (
	`endpoint_id` text NOT NULL,
	`window_start` integer NOT NULL,
	`calls` integer NOT NULL,
	PRIMARY KEY(`endpoint_id`, `window_start`),
	FOREIGN KEY (`endpoint_id`) REFERENCES `gateway_endpoints`(`endpoint_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `gateway_secrets` (
	`secret_id` text PRIMARY KEY NOT NULL,
	`secret_name` text NOT NULL,
	`encrypted_value` text NOT NULL,
	`masked_values` text NOT NULL,
	`provider` text,
	`auth_config` text,
	`created_at` integer NOT NULL,
	`last_updated_at` integer NOT NULL,
	`created_by` text,
	`last_updated_by` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gateway_secrets_secret_name_unique` ON `gateway_secrets` (`secret_name`);