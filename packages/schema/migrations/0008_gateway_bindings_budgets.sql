CREATE TABLE `gateway_budget_policies` (
	`budget_policy_id` text PRIMARY KEY NOT NULL,
	`budget_unit` text NOT NULL,
	`budget_amount` real NOT NULL,
	`duration_unit` text NOT NULL,
	`duration_value` integer NOT NULL,
	`target_scope` text NOT NULL,
	`budget_action` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_updated_at` integer NOT NULL,
	`created_by` text,
	`last_updated_by` text
);
--> statement-breakpoint
CREATE TABLE `gateway_budget_windows` (
	`budget_policy_id` text NOT NULL,
	`window_start` integer NOT NULL,
	`spend` real NOT NULL,
	PRIMARY KEY(`budget_policy_id`, `window_start`),
	FOREIGN KEY (`budget_policy_id`) REFERENCES `gateway_budget_policies`(`budget_policy_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `gateway_endpoint_bindings` (
	`endpoint_id` text NOT NULL,
	`resource_type` text NOT NULL,
	`resource_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_updated_at` integer NOT NULL,
	`created_by` text,
	`last_updated_by` text,
	`display_name` text,
	PRIMARY KEY(`endpoint_id`, `resource_type`, `resource_id`),
	FOREIGN KEY (`endpoint_id`) REFERENCES `gateway_endpoints`(`endpoint_id`) ON UPDATE no action ON DELETE cascade
);
